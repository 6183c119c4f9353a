import Foundation
import Logging
import NPSDomain
import PostgresNIO

/// A current (deduplicated) vote as the product team may see it: its
/// attributes as `Disclosure.record` leaves them.
public struct ListedVote: Sendable, Equatable {
    public var identifier: String
    /// Nil when the vote's workspace is withheld.
    public var workspaceID: String?
    /// Only the roles the disclosure lets this workspace's records carry.
    public var roles: [String]
    public var score: Int
    public var comment: String?
    /// Nil when the workspace is withheld: the times of one upload would
    /// otherwise tell its votes apart from the rest of the pool.
    public var changedAt: Date?

    public var category: NPSCategory? { NPSCategory(score: score) }
}

/// A position in the vote list: its last vote's key as listed (the
/// workspace blank when withheld, so that the withheld workspaces' votes
/// are ordered by identifier alone, not grouped by workspace), and, since
/// two withheld workspaces' votes can share an identifier, how many votes
/// with that key were listed up to it.
public struct VotePosition: Sendable, Equatable {
    public var workspaceID: String
    public var identifier: String
    public var tie: Int

    public init(workspaceID: String, identifier: String, tie: Int = 1) {
        self.workspaceID = workspaceID
        self.identifier = identifier
        self.tie = tie
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

/// A current vote as the read models hold it, before the privacy rule: only
/// `PrivacyLayer` sees it, and lists it as a `ListedVote`.
struct StoredVote: Sendable {
    var identifier: String
    var workspaceID: String
    var roles: [String]
    var score: Int
    var comment: String?
    var changedAt: Date
    /// Read from the pool (the withheld workspaces).
    var isPooled: Bool

    /// The vote with the attributes `shown` leaves it.
    func listed(_ shown: DisclosedRecord) -> ListedVote {
        ListedVote(
            identifier: identifier, workspaceID: shown.workspaceID, roles: shown.roles, score: score,
            comment: comment, changedAt: shown.showsTime ? changedAt : nil)
    }
}

/// Which votes the list reads, as the privacy rule decides it: whether any
/// is listed (rules 1 and 2), the pool and the published workspaces (rule
/// 3), and with a role asked for, the workspaces whose records carry it
/// (rules 5 and 6). What a listed vote shows is the caller's business.
struct VoteListScope: Sendable {
    var listsRecords: Bool
    var workspaces: WorkspaceDisclosure
    /// The pool: every workspace with votes that is not published.
    var withheldWorkspaces: [String]
    /// Every published workspace, for a whole export (hashed once); nil to
    /// look each vote's up (a page).
    var publishedWorkspaces: [String]?
    /// With a role asked for: the published workspaces whose records carry it.
    var carryingRole: [String]?
}

/// The current votes of a campaign, every one of them while the campaign's
/// total is published (so that list and summary add up), as stored; ordered
/// by the workspace as listed, then identifier; in keyset pages or as one
/// stream.
struct VoteListQuery: Sendable {
    let client: any ReadModelSource
    let logger: Logger

    /// Calls `body` with each vote in order, as the database streams them.
    /// `scope` must have been decided in the same snapshot.
    ///
    /// Read in two ordered parts, the pool first (its workspace listed as
    /// `''`, which sorts before every id) and then the published workspaces
    /// in the primary key's order: one sort over every vote of the campaign
    /// (5,000,000 of them took 1.5 s) becomes a sort of the pool's votes and
    /// an index scan that stops at the page's end. The pool is the withheld
    /// workspaces, which in the same snapshot are every workspace with votes
    /// that is not published.
    func votes(
        of campaignID: String,
        _ request: VoteListRequest,
        scope: VoteListScope,
        _ body: (StoredVote, VotePosition) async throws -> Void
    ) async throws {
        guard scope.listsRecords else { return }
        // The votes at the cursor's own key come first; OFFSET skips the ones already listed.
        var previous = request.after.map { ($0.workspaceID, $0.identifier, $0.tie) }
        var remaining = request.limit
        func list(_ part: ListedPart, after: VotePosition?) async throws {
            let rows = try await rows(
                of: campaignID, part, request, scope: scope, after: after, limit: remaining)
            for try await (identifier, workspaceID, roles, score, comment, changedAt) in rows.decode(
                (String, String, [String], Int16, String?, Date).self)
            {
                let listedWorkspace = part == .pool ? "" : workspaceID
                let tie = previous.map { $0.0 == listedWorkspace && $0.1 == identifier ? $0.2 + 1 : 1 } ?? 1
                previous = (listedWorkspace, identifier, tie)
                remaining = remaining.map { $0 - 1 }
                try await body(
                    StoredVote(
                        identifier: identifier, workspaceID: workspaceID, roles: roles, score: Int(score),
                        comment: comment, changedAt: changedAt, isPooled: part == .pool),
                    VotePosition(workspaceID: listedWorkspace, identifier: identifier, tie: tie))
            }
        }
        if request.after.map({ $0.workspaceID.isEmpty }) ?? true {
            // With a role asked for, the pool lists nothing: its records show no role.
            if request.role == nil {
                try await list(.pool, after: request.after)
                if remaining == 0 { return }
            }
            try await list(.published, after: nil)
        } else {
            try await list(.published, after: request.after)
        }
    }

    enum ListedPart {
        /// Withheld workspaces: listed as `''`, ordered by identifier, then workspace.
        case pool
        /// Ordered by workspace, then identifier: the primary key's order.
        case published
    }

    private func rows(
        of campaignID: String, _ part: ListedPart, _ request: VoteListRequest, scope: VoteListScope,
        after: VotePosition?, limit: Int?
    ) async throws -> PostgresRowSequence {
        // The pool's workspaces by id. The published ones: for a page, by the counts rule 3 decides
        // from (WorkspaceDisclosure), looked up for the rows read rather than passed as an array of
        // every published id (100,000 of them cost more than the page); for a whole export, whose
        // rows are every vote, by id, hashed once.
        let withheld = part == .pool ? scope.withheldWorkspaces : []
        let isExport = part == .published && scope.publishedWorkspaces != nil
        let publishedIDs = isExport ? scope.publishedWorkspaces ?? [] : []
        let order = part == .pool ? "v.identifier, v.workspace_id" : "v.workspace_id, v.identifier"
        let published = scope.workspaces
        let carryingRole = request.role.map { _ in scope.carryingRole ?? [] }
        let scores = request.category?.scores ?? ScoreDistribution.scores
        let pattern = request.text.map { "%" + Self.escapedForLike($0) + "%" }
        // In the pool the cursor's workspace is '' and only its identifier orders.
        let poolAfter = part == .pool ? after?.identifier : nil
        let publishedAfter = part == .published ? after : nil
        return try await client.rows(
            """
            SELECT v.identifier, v.workspace_id, ARRAY(SELECT jsonb_array_elements_text(v.roles)), v.score,
                   v.comment, v.changed_at
              FROM listed_votes v
             WHERE v.campaign_id = \(campaignID)
               AND CASE WHEN \(part == .pool) THEN v.workspace_id = ANY(\(withheld))
                        WHEN \(isExport) THEN v.workspace_id = ANY(\(publishedIDs))
                        ELSE EXISTS (SELECT FROM workspace_tallies t
                                      WHERE t.campaign_id = v.campaign_id AND t.workspace_id = v.workspace_id
                                        AND workspace_is_published(t.voters, t.workspace_id,
                                                                   \(published.publishedFrom), \(published.complement))
                                      -- Looked up per vote read: without the fence PostgreSQL hashes
                                      -- every workspace of the campaign first (90 ms at 100,000).
                                      OFFSET 0) END
               AND v.score BETWEEN \(scores.lowerBound) AND \(scores.upperBound)
               AND (\(request.role)::text IS NULL
                    OR (v.roles ? \(request.role) AND v.workspace_id = ANY(\(carryingRole ?? []))))
               AND (\(request.hasComment)::bool IS NULL
                    OR (coalesce(v.comment, '') <> '') = \(request.hasComment))
               AND (\(pattern)::text IS NULL OR v.comment ILIKE \(pattern))
               AND (\(poolAfter)::text IS NULL OR v.identifier >= \(poolAfter))
               AND (\(publishedAfter?.workspaceID)::text IS NULL
                    OR (v.workspace_id, v.identifier)
                       >= (\(publishedAfter?.workspaceID), \(publishedAfter?.identifier)))
             ORDER BY \(unescaped: order)
             OFFSET \(after?.tie ?? 0) LIMIT \(limit)
            """,
            logger: logger
        )
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
