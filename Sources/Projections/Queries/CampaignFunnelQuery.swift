import Logging
import PostgresNIO

/// How far the workspaces of a campaign got, and how much of what they hold arrived.
public struct CampaignFunnel: Sendable, Equatable {
    /// Workspaces the campaign reached in any way (notified, shown or reporting results).
    public var announced: Int
    public var notified: Int
    public var shown: Int
    public var voted: Int
    /// Turned the survey off after being notified and before the start, or while it ran.
    public var optedOut: Int
    /// Votes received / the totals the reporting workspaces said they hold;
    /// nil while no workspace has reported a total.
    public var deliveryCompleteness: Double?
}

public struct CampaignFunnelQuery: Sendable {
    public let client: any ReadModelSource
    public let logger: Logger

    public init(client: any ReadModelSource, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func funnel(of campaignID: String) async throws -> CampaignFunnel {
        let rows = try await client.rows(
            """
            SELECT notified, shown, voted, opted_out_before_start + opted_out_during, announced,
                   reported_voters::float8 / nullif(reported_total, 0)::float8
              FROM campaign_funnel WHERE campaign_id = \(campaignID)
            """,
            logger: logger
        )
        for try await (notified, shown, voted, optedOut, announced, completeness) in rows.decode(
            (Int64, Int64, Int64, Int64, Int64, Double?).self)
        {
            return CampaignFunnel(
                announced: Int(announced), notified: Int(notified), shown: Int(shown), voted: Int(voted),
                optedOut: Int(optedOut), deliveryCompleteness: completeness)
        }
        return CampaignFunnel(
            announced: 0, notified: 0, shown: 0, voted: 0, optedOut: 0, deliveryCompleteness: nil)
    }
}
