import Foundation
import Logging
import NPSDomain
import PostgresNIO

/// One value of a segment dimension in a campaign: the votes of the
/// published workspaces that had it, with the sums a workspace-clustered
/// interval needs. `value` nil is unknown (no profile before the workspace's
/// results, or a profile that does not say).
public struct SegmentCell: Sendable, Equatable {
    public var value: String?
    public var sums: ClusterSums
}

/// A campaign's published workspaces counted by a segment dimension, read
/// from the counts the votes fold keeps per value and number of voters
/// (`segment_tallies`): rule 3 publishes a workspace by its voters, so the
/// rows of k voters or more are the published workspaces but for the one
/// withheld with those under k (`WorkspaceDisclosure.complement`), which is
/// taken off. A few thousand rows, whatever the size of the fleet.
///
/// Only published workspaces are counted: each cell is then a sum of
/// figures the workspace page already shows, so no combination of routes
/// can subtract a withheld workspace out of it. The withheld workspaces are
/// one pool the caller shows apart.
public struct SegmentBreakdownQuery: Sendable {
    public let client: any ReadModelSource
    public let logger: Logger

    public init(client: any ReadModelSource, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The cells of `dimension`, in no particular order; none while the total is withheld.
    public func cells(
        of campaign: Campaign, by dimension: SegmentDimension, disclosure: WorkspaceDisclosure
    ) async throws -> [SegmentCell] {
        guard disclosure.isTotalPublished else { return [] }
        let rows = try await client.rows(
            """
            SELECT nullif(value, ''), sum(workspaces)::int8, sum(voters * workspaces)::int8, sum(promoters)::int8,
                   sum(detractors)::int8, sum(net_squares)::int8, sum(net_times_votes)::int8,
                   sum(voters * voters * workspaces)::int8
              FROM segment_tallies
             WHERE campaign_id = \(campaign.id) AND dimension = \(dimension.rawValue)
               AND voters >= \(disclosure.publishedFrom)
             GROUP BY 1
            """,
            logger: logger
        )
        var cells: [String?: ClusterSums] = [:]
        for try await (value, clusters, votes, promoters, detractors, netSquares, netTimesVotes, voteSquares)
            in rows.decode((String?, Int64, Int64, Int64, Int64, Int64, Int64, Int64).self)
        {
            cells[value] = ClusterSums(
                clusters: Int(clusters), votes: Int(votes), promoters: Int(promoters), detractors: Int(detractors),
                netSquares: Int(netSquares), netTimesVotes: Int(netTimesVotes), voteSquares: Int(voteSquares))
        }
        if let complement = disclosure.complement,
            let (value, sums) = try await workspace(complement, of: campaign.id, by: dimension)
        {
            cells[value] = (cells[value] ?? .zero) - sums
        }
        return cells.filter { $0.value.clusters > 0 }.map { SegmentCell(value: $0.key, sums: $0.value) }
    }

    /// One workspace's figures in a campaign as one cluster, and its value of `dimension`.
    func workspace(
        _ workspaceID: String, of campaignID: String, by dimension: SegmentDimension
    ) async throws -> (String?, ClusterSums)? {
        let rows = try await client.rows(
            """
            SELECT p.\(unescaped: Self.column(dimension)), t.voters, t.promoters, t.detractors
              FROM workspace_tallies t
              LEFT JOIN campaign_workspace_profiles p
                     ON p.campaign_id = t.campaign_id AND p.workspace_id = t.workspace_id
             WHERE t.campaign_id = \(campaignID) AND t.workspace_id = \(workspaceID)
            """,
            logger: logger
        )
        for try await (value, voters, promoters, detractors) in rows.decode((String?, Int64, Int64, Int64).self) {
            return (value, ClusterSums(cluster: Int(voters), promoters: Int(promoters), detractors: Int(detractors)))
        }
        return nil
    }

    /// The column of `campaign_workspace_profiles` a dimension is kept in: a fixed name, never a value from a request.
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
