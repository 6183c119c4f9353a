import Foundation
import Logging
import NPSDomain
import PostgresNIO

/// One campaign as the overview lists it: its dates and all its votes pooled.
public struct CampaignOverview: Sendable, Equatable {
    /// The survey text is not part of the read model, so it is `.null` here.
    public var campaign: Campaign
    public var distribution: ScoreDistribution
    /// Workspaces that hold at least one current vote for it.
    public var votingWorkspaces: Int
}

/// Every campaign in start order (the trend's order), from the campaigns and
/// votes read models.
public struct CampaignOverviewQuery: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func all() async throws -> [CampaignOverview] {
        try await campaigns(matching: nil)
    }

    /// Nil for a campaign the campaigns read model does not know.
    public func campaign(_ campaignID: String) async throws -> CampaignOverview? {
        try await campaigns(matching: campaignID).first
    }

    private func campaigns(matching campaignID: String?) async throws -> [CampaignOverview] {
        let rows = try await client.query(
            """
            SELECT c.campaign_id, c.start_at, c.expire_at, c.roles, c.announced_at, c.closed_at,
                   ARRAY(SELECT coalesce(sum(s.votes), 0)::int8
                           FROM generate_series(0, 10) AS g(score)
                           LEFT JOIN campaign_scores s ON s.campaign_id = c.campaign_id AND s.score = g.score
                          GROUP BY g.score ORDER BY g.score),
                   coalesce(voting.workspaces, 0)
              FROM campaigns c
              LEFT JOIN LATERAL (
                    SELECT count(*)::int8 AS workspaces FROM workspace_campaign_categories w
                     WHERE w.campaign_id = c.campaign_id AND w.votes > 0) AS voting ON true
             WHERE \(campaignID)::text IS NULL OR c.campaign_id = \(campaignID)
             ORDER BY c.start_at, c.campaign_id
            """,
            logger: logger
        )
        var overviews: [CampaignOverview] = []
        for try await (id, startAt, expireAt, roles, announcedAt, closedAt, counts, voting) in rows.decode(
            (String, Date, Date, [String], Date, Date?, [Int], Int64).self)
        {
            overviews.append(
                CampaignOverview(
                    campaign: Campaign(
                        id: id, startAt: startAt, expireAt: expireAt, roles: roles, survey: .null,
                        announcedAt: announcedAt, closedAt: closedAt),
                    distribution: ScoreDistribution(counts: counts) ?? ScoreDistribution(),
                    votingWorkspaces: Int(voting)
                ))
        }
        return overviews
    }
}
