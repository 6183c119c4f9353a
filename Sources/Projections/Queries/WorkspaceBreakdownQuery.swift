import Logging
import NPSDomain
import PostgresNIO

/// One workspace's figures in one campaign.
public struct WorkspaceFigures: Sendable, Equatable {
    public var workspaceID: String
    /// Its current votes (distinct voters); always shown.
    public var votes: Int
    /// Empty when `isWithheld`.
    public var categories: NPSSummary
    /// Below the privacy threshold, or withheld with it (see `Disclosure`).
    public var isWithheld: Bool
    public var activeUsers: Int?
    public var reportedTotal: Int?
    public var responseRate: Double?
    public var deliveryCompleteness: Double?
}

/// How the workspace breakdown is ordered.
public enum WorkspaceSort: String, Sendable, CaseIterable {
    case nps
    case votes
    case responseRate
}

/// A position in the ordered breakdown: the last row of a page. Rows without
/// a sort key (withheld or without votes when sorting by NPS, unknown rate)
/// come last, by workspace id, so a withheld cell's rank tells nothing.
public struct WorkspacePosition: Sendable, Equatable {
    public var hasKey: Bool
    /// Already multiplied by −1 for a descending order.
    public var key: Double
    public var workspaceID: String

    public init(hasKey: Bool, key: Double, workspaceID: String) {
        self.hasKey = hasKey
        self.key = key
        self.workspaceID = workspaceID
    }
}

public struct WorkspaceBreakdownRequest: Sendable {
    public var sort: WorkspaceSort
    public var descending: Bool
    public var minVotes: Int
    public var after: WorkspacePosition?
    /// nil for every row (the CSV export).
    public var limit: Int?

    public init(
        sort: WorkspaceSort = .votes, descending: Bool = true, minVotes: Int = 0, after: WorkspacePosition? = nil,
        limit: Int? = nil
    ) {
        self.sort = sort
        self.descending = descending
        self.minVotes = minVotes
        self.after = after
        self.limit = limit
    }
}

/// The workspaces of a campaign with their figures, in keyset pages or as
/// one stream, from the workspace x campaign read models.
public struct WorkspaceBreakdownQuery: Sendable {
    public let client: any ReadModelSource
    public let logger: Logger

    public init(client: any ReadModelSource, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Calls `body` with each row in order, and its position, as the database
    /// streams them. `disclosure` (read in the same snapshot) says which
    /// workspaces' figures are withheld.
    public func rows(
        of campaignID: String,
        _ request: WorkspaceBreakdownRequest,
        disclosure: Disclosure,
        _ body: (WorkspaceFigures, WorkspacePosition) async throws -> Void
    ) async throws {
        // Withheld unless published: a row the disclosure did not count is never shown by default.
        let published = disclosure.publishedWorkspaces
        let direction = request.descending ? -1.0 : 1.0
        let after = request.after
        let rows = try await client.rows(
            """
            WITH cells AS (
                SELECT f.workspace_id, f.voters, f.active_users, f.reported_total, f.response_rate,
                       f.delivery_completeness, f.promoters, f.passives, f.detractors,
                       f.voters > 0 AND shown.workspace_id IS NULL AS withheld
                  FROM workspace_campaign_figures f
                  -- A join, not `<> ALL(array)`, which compares each row with every published id.
                  LEFT JOIN unnest(\(published)::text[]) AS shown(workspace_id) ON shown.workspace_id = f.workspace_id
                 WHERE f.campaign_id = \(campaignID) AND f.voters >= \(request.minVotes)),
            keyed AS (
                SELECT *, \(direction)::float8 * CASE \(request.sort.rawValue)
                         WHEN 'votes' THEN voters::float8
                         WHEN 'responseRate' THEN response_rate
                         WHEN 'nps' THEN CASE WHEN voters > 0 AND NOT withheld
                                              THEN 100.0 * (promoters - detractors) / voters END
                       END AS sort_key
                  FROM cells)
            SELECT workspace_id, voters, promoters, passives, detractors, withheld, active_users, reported_total,
                   response_rate, delivery_completeness, sort_key IS NOT NULL, coalesce(sort_key, 0)
              FROM keyed
             WHERE \(after == nil)
                OR (sort_key IS NULL, coalesce(sort_key, 0), workspace_id)
                   > (NOT \(after?.hasKey ?? true), \(after?.key ?? 0), \(after?.workspaceID ?? ""))
             ORDER BY sort_key IS NULL, coalesce(sort_key, 0), workspace_id
             LIMIT \(request.limit)
            """,
            logger: logger
        )
        for try await row in rows.decode(
            (String, Int64, Int64, Int64, Int64, Bool, Int64?, Int64?, Double?, Double?, Bool, Double).self)
        {
            let withheld = row.5
            let figures = WorkspaceFigures(
                workspaceID: row.0,
                votes: Int(row.1),
                categories: withheld
                    ? NPSSummary(promoters: 0, passives: 0, detractors: 0)
                    : NPSSummary(promoters: Int(row.2), passives: Int(row.3), detractors: Int(row.4)),
                isWithheld: withheld,
                activeUsers: row.6.map(Int.init),
                reportedTotal: row.7.map(Int.init),
                responseRate: row.8,
                deliveryCompleteness: row.9
            )
            try await body(figures, WorkspacePosition(hasKey: row.10, key: row.11, workspaceID: row.0))
        }
    }
}
