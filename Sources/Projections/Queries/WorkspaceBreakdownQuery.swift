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
///
/// A page sorted by NPS or by votes is read in the order of the votes
/// fold's indexes on `workspace_tallies`, in runs (the published workspaces
/// by NPS, then the rest by id; or the workspaces with votes by votes, and
/// those without any by id), so a page costs its rows, not the campaign's.
/// A page sorted by response rate (whose denominator another read model
/// keeps) and a whole export sort every row of the campaign.
///
/// Ties order by workspace id: within a run read from `workspace_tallies`
/// in byte order (its indexes' `COLLATE "C"`, which rule 3 breaks ties by
/// too), elsewhere in the database's collation. The embedded cluster's is
/// C (`tools/db`), so the two agree; on a database of another collation a
/// page and the export may order workspaces of equal keys differently.
public struct WorkspaceBreakdownQuery: Sendable {
    public let client: any ReadModelSource
    public let logger: Logger

    public init(client: any ReadModelSource, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Calls `body` with each row in order, and its position. `disclosure`
    /// (decided in the same snapshot) says which workspaces' figures are withheld.
    public func rows(
        of campaignID: String,
        _ request: WorkspaceBreakdownRequest,
        disclosure: WorkspaceDisclosure,
        _ body: (WorkspaceFigures, WorkspacePosition) async throws -> Void
    ) async throws {
        guard let limit = request.limit, let runs = IndexedRun.runs(of: request) else {
            return try await sortedRows(of: campaignID, request, disclosure: disclosure, body)
        }
        var positions: [WorkspacePosition] = []
        let first = request.after.map { after in runs.firstIndex { $0.holds(after) } ?? runs.count } ?? 0
        for (index, run) in runs.enumerated().dropFirst(first) where positions.count < limit {
            positions += try await self.positions(
                in: run, of: campaignID, request, disclosure: disclosure,
                after: index == first ? request.after : nil, limit: limit - positions.count)
        }
        let figures = try await self.figures(of: campaignID, positions.map(\.workspaceID), disclosure: disclosure)
        for position in positions {
            guard let row = figures[position.workspaceID] else { continue }
            try await body(row, position)
        }
    }

    /// A run of a page's order that one index scan reads.
    enum IndexedRun {
        /// Published workspaces by NPS (the rule's complement and those under k are not).
        case publishedByNPS
        /// The rest by id: withheld, or without votes.
        case unkeyedByID
        /// Workspaces holding votes, by votes.
        case votingByVotes
        /// Workspaces without votes (a key of 0), by id.
        case unvotedByID

        /// The runs of a sorted page in order; nil for an order no index gives.
        static func runs(of request: WorkspaceBreakdownRequest) -> [IndexedRun]? {
            switch request.sort {
            case .nps: [.publishedByNPS, .unkeyedByID]
            case .votes where request.minVotes > 0: [.votingByVotes]
            case .votes: request.descending ? [.votingByVotes, .unvotedByID] : [.unvotedByID, .votingByVotes]
            case .responseRate: nil
            }
        }

        /// Whether the row at `position` is in this run.
        func holds(_ position: WorkspacePosition) -> Bool {
            switch self {
            case .publishedByNPS: position.hasKey
            case .unkeyedByID: !position.hasKey
            case .votingByVotes: position.key != 0
            case .unvotedByID: position.key == 0
            }
        }
    }

    /// The NPS of a row of workspace_tallies `t`, exactly as its indexes state it (0097).
    static let tallyNPS = "(100 * (t.promoters - t.detractors))::float8 / nullif(t.voters, 0)"

    private func positions(
        in run: IndexedRun, of campaignID: String, _ request: WorkspaceBreakdownRequest,
        disclosure: WorkspaceDisclosure, after: WorkspacePosition?, limit: Int
    ) async throws -> [WorkspacePosition] {
        let direction = request.descending ? -1.0 : 1.0
        let order = request.descending ? "DESC" : ""
        let (greater, greaterOrEqual) = request.descending ? ("<", "<=") : (">", ">=")
        let afterID = after?.workspaceID ?? ""
        let hasWorkspaceRow = """
            EXISTS (SELECT FROM workspace_campaigns wc
                     WHERE wc.campaign_id = t.campaign_id AND wc.workspace_id = t.workspace_id)
            """
        let query: PostgresQuery
        switch run {
        case .publishedByNPS:
            guard disclosure.isTotalPublished else { return [] }
            let bound = (after?.key ?? 0) * direction
            query = """
                SELECT t.workspace_id, \(unescaped: Self.tallyNPS)
                  FROM workspace_tallies t
                 WHERE t.campaign_id = \(campaignID) AND t.voters >= \(Int64(request.minVotes))
                   AND workspace_is_published(t.voters, t.workspace_id, \(disclosure.publishedFrom),
                                              \(disclosure.complement))
                   AND \(unescaped: hasWorkspaceRow)
                   AND (\(after == nil)
                        OR (\(unescaped: Self.tallyNPS) \(unescaped: greaterOrEqual) \(bound)
                            AND (\(unescaped: Self.tallyNPS) \(unescaped: greater) \(bound)
                                 OR t.workspace_id COLLATE "C" > \(afterID))))
                 ORDER BY \(unescaped: Self.tallyNPS) \(unescaped: order), t.workspace_id COLLATE "C"
                 LIMIT \(limit)
                """
        case .votingByVotes:
            let bound = Int64((after?.key ?? 0) * direction)
            query = """
                SELECT t.workspace_id, t.voters::float8
                  FROM workspace_tallies t
                 WHERE t.campaign_id = \(campaignID) AND t.voters >= \(Int64(max(1, request.minVotes)))
                   AND \(unescaped: hasWorkspaceRow)
                   AND (\(after == nil)
                        OR (t.voters \(unescaped: greaterOrEqual) \(bound)
                            AND (t.voters \(unescaped: greater) \(bound)
                                 OR t.workspace_id COLLATE "C" > \(afterID))))
                 ORDER BY t.voters \(unescaped: order), t.workspace_id COLLATE "C"
                 LIMIT \(limit)
                """
        case .unkeyedByID:
            query = """
                SELECT wc.workspace_id, NULL::float8
                  FROM workspace_campaigns wc
                  LEFT JOIN workspace_tallies t ON t.campaign_id = wc.campaign_id AND t.workspace_id = wc.workspace_id
                 WHERE wc.campaign_id = \(campaignID) AND coalesce(t.voters, 0) >= \(Int64(request.minVotes))
                   AND NOT workspace_is_published(coalesce(t.voters, 0), wc.workspace_id,
                                                  \(disclosure.publishedFrom), \(disclosure.complement))
                   AND (\(after == nil) OR wc.workspace_id > \(afterID))
                 ORDER BY wc.workspace_id
                 LIMIT \(limit)
                """
        case .unvotedByID:
            query = """
                SELECT wc.workspace_id, 0::float8
                  FROM workspace_campaigns wc
                 WHERE wc.campaign_id = \(campaignID)
                   AND NOT EXISTS (SELECT FROM workspace_tallies t
                                    WHERE t.campaign_id = wc.campaign_id AND t.workspace_id = wc.workspace_id
                                      AND t.voters > 0)
                   AND (\(after == nil) OR wc.workspace_id > \(afterID))
                 ORDER BY wc.workspace_id
                 LIMIT \(limit)
                """
        }
        var positions: [WorkspacePosition] = []
        for try await (workspaceID, value) in try await client.rows(query, logger: logger).decode(
            (String, Double?).self)
        {
            positions.append(
                WorkspacePosition(
                    hasKey: value != nil, key: value.map { direction * $0 } ?? 0, workspaceID: workspaceID))
        }
        return positions
    }

    /// The rows of `workspaceIDs`, by id.
    private func figures(
        of campaignID: String, _ workspaceIDs: [String], disclosure: WorkspaceDisclosure
    ) async throws -> [String: WorkspaceFigures] {
        guard !workspaceIDs.isEmpty else { return [:] }
        let rows = try await client.rows(
            """
            SELECT f.workspace_id, f.voters, f.promoters, f.passives, f.detractors, f.active_users,
                   f.reported_total, f.response_rate, f.delivery_completeness
              FROM unnest(\(workspaceIDs)::text[]) AS page(workspace_id)
              JOIN workspace_campaign_figures f ON f.campaign_id = \(campaignID) AND f.workspace_id = page.workspace_id
            """,
            logger: logger
        )
        var figures: [String: WorkspaceFigures] = [:]
        for try await row in rows.decode((String, Int64, Int64, Int64, Int64, Int64?, Int64?, Double?, Double?).self) {
            figures[row.0] = Self.figures(row, disclosure: disclosure)
        }
        return figures
    }

    /// Every row sorted in the database: a page by response rate, and a whole export.
    private func sortedRows(
        of campaignID: String,
        _ request: WorkspaceBreakdownRequest,
        disclosure: WorkspaceDisclosure,
        _ body: (WorkspaceFigures, WorkspacePosition) async throws -> Void
    ) async throws {
        let direction = request.descending ? -1.0 : 1.0
        let after = request.after
        let rows = try await client.rows(
            """
            WITH cells AS (
                SELECT f.workspace_id, f.voters, f.promoters, f.passives, f.detractors, f.active_users,
                       f.reported_total, f.response_rate, f.delivery_completeness,
                       workspace_is_published(f.voters, f.workspace_id, \(disclosure.publishedFrom),
                                              \(disclosure.complement)) AS published
                  FROM workspace_campaign_figures f
                 WHERE f.campaign_id = \(campaignID) AND f.voters >= \(request.minVotes)),
            keyed AS (
                SELECT *, \(direction)::float8 * CASE \(request.sort.rawValue)
                         WHEN 'votes' THEN voters::float8
                         WHEN 'responseRate' THEN response_rate
                         WHEN 'nps' THEN CASE WHEN published THEN (100 * (promoters - detractors))::float8 / voters END
                       END AS sort_key
                  FROM cells)
            SELECT workspace_id, voters, promoters, passives, detractors, active_users, reported_total,
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
            (String, Int64, Int64, Int64, Int64, Int64?, Int64?, Double?, Double?, Bool, Double).self)
        {
            try await body(
                Self.figures((row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8), disclosure: disclosure),
                WorkspacePosition(hasKey: row.9, key: row.10, workspaceID: row.0))
        }
    }

    static func figures(
        _ row: (String, Int64, Int64, Int64, Int64, Int64?, Int64?, Double?, Double?), disclosure: WorkspaceDisclosure
    ) -> WorkspaceFigures {
        let withheld = disclosure.isWithheld(row.0, votes: Int(row.1))
        return WorkspaceFigures(
            workspaceID: row.0,
            votes: Int(row.1),
            categories: withheld
                ? NPSSummary(promoters: 0, passives: 0, detractors: 0)
                : NPSSummary(promoters: Int(row.2), passives: Int(row.3), detractors: Int(row.4)),
            isWithheld: withheld,
            activeUsers: row.5.map(Int.init),
            reportedTotal: row.6.map(Int.init),
            responseRate: row.7,
            deliveryCompleteness: row.8
        )
    }
}
