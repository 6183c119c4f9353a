import Foundation

/// One anonymous answer. Its key is (campaign, workspace, identifier).
///
/// Version 2: `roles` is a set, written without duplicates in code point
/// order (`normalizedRoles`); version 1 kept them as the workspace sent
/// them, so a vote sent as `["user", "user"]` counted twice in one role.
/// Version 1 payloads stay in the log and are upcast when read: in Swift by
/// `PayloadUpcaster.voteCastRoles`, in the SQL folds by `vote_cast_roles_v2`
/// (`schema/functions/vote_cast_roles_v2.sql`), which the tests hold to the same answers.
///
/// Version 3: the payload is `{identifier, roles, score, comment?}`. The
/// campaign and workspace were in every vote's payload, and both are in its
/// stream id already (`streamID(campaignID:workspaceID:)`): votes are most of
/// the log, and the two ids were a quarter of a vote's bytes. A version 3
/// payload is therefore decoded with its stream id (`EventDecoder`, which
/// passes it as `CodingUserInfoKey.eventStreamID`), and the SQL reads the
/// ids from `stream_id` (`project_votes`, `event_workspace_id`).
///
/// Version 4: a vote that changes a stored one says what it replaced,
/// `replaces: {score, roles}`, so that the votes fold only adds and
/// subtracts counts instead of keeping every key's current vote. The ingest
/// does not send it: `record_votes` reads it from the stored vote's event
/// under the stream's lock and adds it. An older payload is read with
/// `replaces` nil, which then means "not said" rather than "a new key".
public struct VoteCast: EventPayload {
    public static let eventType = EventType.voteCast
    public static let schemaVersion = 4

    /// The score and roles of the vote a change replaced.
    public struct Replaced: Sendable, Equatable, Codable {
        public var score: Int
        public var roles: [String]

        public init(score: Int, roles: [String]) {
            self.score = score
            self.roles = roles
        }
    }

    /// Not in the payload since version 3: it is the stream id's.
    public var campaignID: String
    /// Not in the payload since version 3: it is the stream id's.
    public var workspaceID: String
    /// Lowercase hex SHA-256 of the Rocket.Chat user id and the campaign id.
    public var identifier: String
    public var roles: [String]
    public var score: Int
    public var comment: String?
    /// Since version 4, what this vote replaced; nil for a new key (or, read from an older version, not said).
    public var replaces: Replaced?

    public init(
        campaignID: String,
        workspaceID: String,
        identifier: String,
        roles: [String],
        score: Int,
        comment: String?,
        replaces: Replaced? = nil
    ) {
        self.campaignID = campaignID
        self.workspaceID = workspaceID
        self.identifier = identifier
        self.roles = Self.normalizedRoles(roles)
        self.score = score
        self.comment = comment
        self.replaces = replaces
    }

    /// Roles as version 2 stores them: each once, in code point order (as PostgreSQL's `COLLATE "C"`).
    public static func normalizedRoles(_ roles: [String]) -> [String] {
        Set(roles).sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }

    /// The stream of a workspace's votes for a campaign (and its results uploads). Ids cannot
    /// contain "/" (`Identifiers`), so the stream id gives both back (`ids(inStream:)`).
    public static func streamID(campaignID: String, workspaceID: String) -> String {
        "votes/\(campaignID)/\(workspaceID)"
    }

    /// The campaign and workspace of a votes stream id; nil for any other stream.
    public static func ids(inStream streamID: String) -> (campaignID: String, workspaceID: String)? {
        let parts = streamID.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "votes", !parts[1].isEmpty, !parts[2].isEmpty else { return nil }
        return (String(parts[1]), String(parts[2]))
    }

    private enum CodingKeys: String, CodingKey {
        case identifier, roles, score, comment, replaces
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let stream = decoder.userInfo[.eventStreamID] as? String
        guard let ids = stream.flatMap(Self.ids(inStream:)) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: [],
                    debugDescription: "a VoteCast is decoded with its stream id, votes/<campaign>/<workspace>, "
                        + "which holds its campaign and workspace; got \(stream ?? "none")"
                ))
        }
        campaignID = ids.campaignID
        workspaceID = ids.workspaceID
        identifier = try container.decode(String.self, forKey: .identifier)
        roles = try container.decode([String].self, forKey: .roles)
        score = try container.decode(Int.self, forKey: .score)
        comment = try container.decodeIfPresent(String.self, forKey: .comment)
        replaces = try container.decodeIfPresent(Replaced.self, forKey: .replaces)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(identifier, forKey: .identifier)
        try container.encode(roles, forKey: .roles)
        try container.encode(score, forKey: .score)
        try container.encodeIfPresent(comment, forKey: .comment)
        try container.encodeIfPresent(replaces, forKey: .replaces)
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
