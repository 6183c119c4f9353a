import Foundation
import Logging
import NPSDomain
import PostgresNIO

/// One value of a segment dimension in a campaign: the votes of the
/// published workspaces that had it, with the sums a workspace-clustered
/// interval needs. `value` nil is unknown (no profile by the expiry, or a
/// profile that does not say).
public struct SegmentCell: Sendable, Equatable {
    public var value: String?
    public var sums: ClusterSums
}

/// A campaign's published workspaces counted by a segment dimension, each
/// under the last profile it recorded by the campaign's expiry
/// (`workspace_profiles`, kept by the workspaces fold).
///
/// Only published workspaces (rule 3, `WorkspaceDisclosure`) are counted:
/// each cell is then a sum of figures the workspace page already shows, so
/// no combination of routes can subtract a withheld workspace out of it.
/// The withheld workspaces are one pool the caller shows apart.
public struct SegmentBreakdownQuery: Sendable {
    public let client: any ReadModelSource
    public let logger: Logger

    public init(client: any ReadModelSource, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The cells of `dimension`, in no particular order, or with no
    /// dimension all published workspaces as one cell of no value; none
    /// while the total is withheld.
    public func cells(
        of campaign: Campaign, by dimension: SegmentDimension?, disclosure: WorkspaceDisclosure
    ) async throws -> [SegmentCell] {
        guard disclosure.isTotalPublished else { return [] }
        // A fixed column per dimension, never a value from the request.
        let value = dimension.map { "p.\(Self.column($0))" } ?? "NULL::text"
        // The planner prices a join of every workspace high enough to JIT-compile it: 440 ms of
        // compiling for a 200 ms statement at 100,000 workspaces. For this answer's transaction only.
        for try await _ in try await client.rows("SELECT set_config('jit', 'off', true)", logger: logger) {}
        let rows = try await client.rows(
            """
            SELECT profile.value, count(*), sum(t.voters)::int8, sum(t.promoters)::int8, sum(t.detractors)::int8,
                   sum((t.promoters - t.detractors) * (t.promoters - t.detractors))::int8,
                   sum((t.promoters - t.detractors) * t.voters)::int8, sum(t.voters * t.voters)::int8
              FROM workspace_tallies t
              LEFT JOIN LATERAL (SELECT \(unescaped: value) AS value FROM workspace_profiles p
                                  WHERE \(dimension != nil) AND p.workspace_id = t.workspace_id
                                    AND p.recorded_at <= \(campaign.expireAt)
                                  ORDER BY p.recorded_at DESC, p.transaction_id DESC, p.position DESC
                                  LIMIT 1) AS profile ON true
             WHERE t.campaign_id = \(campaign.id) AND t.voters >= \(disclosure.publishedFrom)
               AND t.workspace_id IS DISTINCT FROM \(disclosure.complement)
             GROUP BY 1
            """,
            logger: logger
        )
        var cells: [SegmentCell] = []
        for try await (value, clusters, votes, promoters, detractors, netSquares, netTimesVotes, voteSquares)
            in rows.decode((String?, Int64, Int64, Int64, Int64, Int64, Int64, Int64).self)
        {
            cells.append(
                SegmentCell(
                    value: value,
                    sums: ClusterSums(
                        clusters: Int(clusters), votes: Int(votes), promoters: Int(promoters),
                        detractors: Int(detractors), netSquares: Int(netSquares),
                        netTimesVotes: Int(netTimesVotes), voteSquares: Int(voteSquares))))
        }
        return cells
    }

    static func column(_ dimension: SegmentDimension) -> String {
        switch dimension {
        case .version: "version"
        case .major: "major_version"
        case .deployment: "deployment"
        case .edition: "edition"
        case .size: "size_band"
        case .industry: "industry"
        case .orgSize: "org_size"
        case .country: "country"
        case .language: "language"
        }
    }
}
