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
    public let client: any ReadModelSource
    public let logger: Logger

    public init(client: any ReadModelSource, logger: Logger) {
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

    /// Each statement reads one table, and no view: a replay's swap locks a
    /// read model's tables, then recreates the views over them, so a statement
    /// that locked a view (or two tables) could deadlock with it.
    private func campaigns(matching campaignID: String?) async throws -> [CampaignOverview] {
        var distributions: [String: ScoreDistribution] = [:]
        let scores = try await client.rows(
            """
            SELECT campaign_id, score, sum(votes)::int8 FROM campaign_scores
             WHERE \(campaignID)::text IS NULL OR campaign_id = \(campaignID)
             GROUP BY campaign_id, score HAVING sum(votes) > 0
            """,
            logger: logger
        )
        for try await (id, score, votes) in scores.decode((String, Int16, Int64).self) {
            distributions[id, default: ScoreDistribution()].add(score: Int(score), count: Int(votes))
        }
        var votingWorkspaces: [String: Int] = [:]
        let voting = try await client.rows(
            """
            SELECT campaign_id, sum(voting_workspaces)::int8 FROM campaign_voting
             WHERE \(campaignID)::text IS NULL OR campaign_id = \(campaignID)
             GROUP BY campaign_id
            """,
            logger: logger
        )
        for try await (id, count) in voting.decode((String, Int64).self) { votingWorkspaces[id] = Int(count) }

        let rows = try await client.rows(
            """
            SELECT campaign_id, start_at, expire_at, roles, announced_at, closed_at FROM campaigns
             WHERE \(campaignID)::text IS NULL OR campaign_id = \(campaignID)
             ORDER BY start_at, campaign_id
            """,
            logger: logger
        )
        var overviews: [CampaignOverview] = []
        for try await (id, startAt, expireAt, roles, announcedAt, closedAt) in rows.decode(
            (String, Date, Date, [String], Date, Date?).self)
        {
            overviews.append(
                CampaignOverview(
                    campaign: Campaign(
                        id: id, startAt: startAt, expireAt: expireAt, roles: roles, survey: .null,
                        announcedAt: announcedAt, closedAt: closedAt),
                    distribution: distributions[id] ?? ScoreDistribution(),
                    votingWorkspaces: votingWorkspaces[id] ?? 0
                ))
        }
        return overviews
    }
}
