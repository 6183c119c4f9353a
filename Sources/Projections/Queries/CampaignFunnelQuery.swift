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

    public init(
        announced: Int, notified: Int, shown: Int, voted: Int, optedOut: Int, deliveryCompleteness: Double?
    ) {
        self.announced = announced
        self.notified = notified
        self.shown = shown
        self.voted = voted
        self.optedOut = optedOut
        self.deliveryCompleteness = deliveryCompleteness
    }
}

/// The funnel from the counts the folds keep (`campaign_reach`,
/// `campaign_voting`): two rows, however many workspaces took part. The view
/// `campaign_funnel` states the same figures as one query over every
/// workspace; tests hold the two equal.
public struct CampaignFunnelQuery: Sendable {
    public let client: any ReadModelSource
    public let logger: Logger

    public init(client: any ReadModelSource, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func funnel(of campaignID: String) async throws -> CampaignFunnel {
        var funnel = CampaignFunnel(
            announced: 0, notified: 0, shown: 0, voted: 0, optedOut: 0, deliveryCompleteness: nil)
        let reach = try await client.rows(
            """
            SELECT announced, notified, shown, opted_out_before_start + opted_out_during
              FROM campaign_reach WHERE campaign_id = \(campaignID)
            """,
            logger: logger)
        for try await (announced, notified, shown, optedOut) in reach.decode((Int64, Int64, Int64, Int64).self) {
            (funnel.announced, funnel.notified, funnel.shown) = (Int(announced), Int(notified), Int(shown))
            funnel.optedOut = Int(optedOut)
        }
        let voting = try await client.rows(
            """
            SELECT sum(voting_workspaces)::int8, (sum(reported_voters)::float8 / nullif(sum(reported_total), 0))::float8
              FROM campaign_voting WHERE campaign_id = \(campaignID)
            """,
            logger: logger)
        for try await (voted, completeness) in voting.decode((Int64?, Double?).self) {
            funnel.voted = Int(voted ?? 0)
            funnel.deliveryCompleteness = completeness
        }
        return funnel
    }
}
