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
/// `campaign_voting`), so that it costs the same at 100 or 100,000
/// workspaces; only the opt-outs are counted here, over the workspaces that
/// ever changed their setting, because whether a change counts depends on
/// the campaign's dates. The view `campaign_funnel` states the same figures
/// as one query over every workspace: tests hold the two equal.
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
            "SELECT announced, notified, shown FROM campaign_reach WHERE campaign_id = \(campaignID)",
            logger: logger)
        for try await (announced, notified, shown) in reach.decode((Int64, Int64, Int64).self) {
            (funnel.announced, funnel.notified, funnel.shown) = (Int(announced), Int(notified), Int(shown))
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
        funnel.optedOut = try await optedOut(of: campaignID)
        return funnel
    }

    /// Workspaces notified that turned the setting off before the start (the
    /// last change before it is an "off" at or after the notice), and those
    /// that turned it off while the campaign ran; a workspace counts in each
    /// that applies, as in `campaign_funnel`.
    private func optedOut(of campaignID: String) async throws -> Int {
        let rows = try await client.rows(
            """
            SELECT (count(*) FILTER (WHERE wc.notified_at IS NOT NULL AND at_start.enabled = false
                                       AND at_start.changed_at >= wc.notified_at)
                    + count(*) FILTER (WHERE during.opted_out))::int8
              FROM campaigns c
              JOIN (SELECT DISTINCT workspace_id FROM setting_changes) AS changed ON true
              JOIN workspace_campaigns wc ON wc.campaign_id = c.campaign_id AND wc.workspace_id = changed.workspace_id
              LEFT JOIN LATERAL (SELECT s.enabled, s.changed_at FROM setting_changes s
                                  WHERE s.workspace_id = changed.workspace_id AND s.changed_at < c.start_at
                                  ORDER BY s.position DESC LIMIT 1) AS at_start ON true
             CROSS JOIN LATERAL (SELECT EXISTS (SELECT FROM setting_changes s
                                                 WHERE s.workspace_id = changed.workspace_id AND NOT s.enabled
                                                   AND s.changed_at >= c.start_at
                                                   AND s.changed_at < least(c.expire_at, c.closed_at))) AS during(opted_out)
             WHERE c.campaign_id = \(campaignID)
            """,
            logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }
}
