import Foundation

/// One anonymous answer. Its key is (campaign, workspace, identifier).
///
/// Version 2: `roles` is a set, written without duplicates in code point
/// order (`normalizedRoles`); version 1 kept them as the workspace sent
/// them, so a vote sent as `["user", "user"]` counted twice in one role.
/// Version 1 payloads stay in the log and are upcast when read: in Swift by
/// `PayloadUpcaster.voteCastRoles`, in the SQL folds by `vote_cast_roles_v2`
/// (`schema/functions/vote_cast_roles_v2.sql`), which the tests hold to the same answers.
public struct VoteCast: EventPayload {
    public static let eventType = EventType.voteCast
    public static let schemaVersion = 2

    public var campaignID: String
    public var workspaceID: String
    /// Lowercase hex SHA-256 of the Rocket.Chat user id and the campaign id.
    public var identifier: String
    public var roles: [String]
    public var score: Int
    public var comment: String?

    public init(
        campaignID: String,
        workspaceID: String,
        identifier: String,
        roles: [String],
        score: Int,
        comment: String?
    ) {
        self.campaignID = campaignID
        self.workspaceID = workspaceID
        self.identifier = identifier
        self.roles = Self.normalizedRoles(roles)
        self.score = score
        self.comment = comment
    }

    /// Roles as version 2 stores them: each once, in code point order (as PostgreSQL's `COLLATE "C"`).
    public static func normalizedRoles(_ roles: [String]) -> [String] {
        Set(roles).sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }
}

/// One results upload: what the workspace says it holds and what became of the batch.
public struct ResultsReceived: EventPayload {
    public static let eventType = EventType.resultsReceived
    public static let schemaVersion = 1

    public var campaignID: String
    public var workspaceID: String
    /// How many votes the workspace holds for the campaign, across all batches.
    public var total: Int?
    public var items: Int
    public var accepted: Int
    public var repeats: Int
    public var quarantined: Int

    public init(
        campaignID: String,
        workspaceID: String,
        total: Int?,
        items: Int,
        accepted: Int,
        repeats: Int,
        quarantined: Int
    ) {
        self.campaignID = campaignID
        self.workspaceID = workspaceID
        self.total = total
        self.items = items
        self.accepted = accepted
        self.repeats = repeats
        self.quarantined = quarantined
    }
}
