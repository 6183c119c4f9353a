import Foundation
import Logging
import NPSDomain
import PostgresNIO

/// A current (deduplicated) vote as the product team may see it.
public struct ListedVote: Sendable, Equatable {
    public var identifier: String
    public var workspaceID: String
    /// Only the roles the role breakdown shows: a withheld role's votes
    /// could otherwise be counted here.
    public var roles: [String]
    public var score: Int
    public var comment: String?
    public var changedAt: Date

    public var category: NPSCategory? { NPSCategory(score: score) }
}

/// A position in the vote list: its last vote's key.
public struct VotePosition: Sendable, Equatable {
    public var workspaceID: String
    public var identifier: String

    public init(workspaceID: String, identifier: String) {
        self.workspaceID = workspaceID
        self.identifier = identifier
    }
}

public struct VoteListRequest: Sendable {
    public var category: NPSCategory?
    public var role: String?
    public var hasComment: Bool?
    /// Searched in comments, case-insensitively, as plain text.
    public var text: String?
    public var after: VotePosition?
    /// nil for every vote (the CSV export).
    public var limit: Int?

    public init(
        category: NPSCategory? = nil, role: String? = nil, hasComment: Bool? = nil, text: String? = nil,
        after: VotePosition? = nil, limit: Int? = nil
    ) {
        self.category = category
        self.role = role
        self.hasComment = hasComment
        self.text = text
        self.after = after
        self.limit = limit
    }
}

/// The current votes of a campaign, by workspace and identifier, leaving
/// out every vote of a workspace whose figures are withheld (its scores and
/// comments would show the hidden cell), in keyset pages or as one stream.
public struct VoteListQuery: Sendable {
    public let client: PostgresClient
    public let privacy: WorkspaceCellPrivacy
    public let logger: Logger

    public init(client: PostgresClient, threshold: PrivacyThreshold, logger: Logger) {
        self.client = client
        self.privacy = WorkspaceCellPrivacy(client: client, threshold: threshold, logger: logger)
        self.logger = logger
    }

    /// Calls `body` with each vote in order, as the database streams them.
    /// `withheldRoles` are the roles the role breakdown hides.
    public func votes(
        of campaignID: String,
        _ request: VoteListRequest,
        withheldRoles: Set<String>,
        _ body: (ListedVote) async throws -> Void
    ) async throws {
        let alsoWithheld = try await privacy.alsoWithheld(in: campaignID)
        let scores = request.category?.scores ?? ScoreDistribution.scores
        let pattern = request.text.map { "%" + Self.escapedForLike($0) + "%" }
        let roleShown = request.role.map { !withheldRoles.contains($0) } ?? true
        let rows = try await client.query(
            """
            SELECT v.identifier, v.workspace_id,
                   ARRAY(SELECT r.role FROM jsonb_array_elements_text(v.roles) WITH ORDINALITY AS r(role, ordinal)
                          WHERE r.role <> ALL(\(Array(withheldRoles))) ORDER BY r.ordinal),
                   v.score, v.comment, v.changed_at
              FROM current_votes v
              JOIN workspace_campaign_categories w ON w.campaign_id = v.campaign_id AND w.workspace_id = v.workspace_id
             WHERE v.campaign_id = \(campaignID)
               AND w.votes >= \(privacy.threshold.k) AND v.workspace_id <> ALL(\(alsoWithheld))
               AND v.score BETWEEN \(scores.lowerBound) AND \(scores.upperBound)
               AND (\(request.role)::text IS NULL OR (\(roleShown) AND v.roles ? \(request.role)))
               AND (\(request.hasComment)::bool IS NULL OR (coalesce(v.comment, '') <> '') = \(request.hasComment))
               AND (\(pattern)::text IS NULL OR v.comment ILIKE \(pattern))
               AND (\(request.after == nil) OR (v.workspace_id, v.identifier)
                    > (\(request.after?.workspaceID ?? ""), \(request.after?.identifier ?? "")))
             ORDER BY v.workspace_id, v.identifier
             LIMIT \(request.limit)
            """,
            logger: logger
        )
        for try await (identifier, workspaceID, roles, score, comment, changedAt) in rows.decode(
            (String, String, [String], Int16, String?, Date).self)
        {
            try await body(
                ListedVote(
                    identifier: identifier, workspaceID: workspaceID, roles: roles, score: Int(score),
                    comment: comment, changedAt: changedAt))
        }
    }

    /// `text` matched literally by LIKE: its wildcards and the escape character escaped.
    static func escapedForLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
