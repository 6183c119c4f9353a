import Logging
import NPSDomain
import PostgresNIO

/// A campaign's figures, all workspaces pooled: what the campaign summary
/// read model holds. The NPS, its interval and the categories come from
/// `distribution` through NPSDomain, the one implementation of the arithmetic.
public struct CampaignSummary: Sendable, Equatable {
    public var campaignID: String
    public var distribution: ScoreDistribution
    /// Workspaces that hold at least one current vote for it.
    public var votingWorkspaces: Int
    /// A vote counts once in each of its roles.
    public var roles: [String: ScoreDistribution]

    public var nps: NPSSummary { distribution.summary }
}

/// Reads the campaign summary from the votes read model (summing its shards).
public struct CampaignSummaryQuery: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Nil for a campaign the campaigns read model does not know.
    public func summary(of campaignID: String) async throws -> CampaignSummary? {
        let known = try await client.query(
            "SELECT 1 FROM campaigns WHERE campaign_id = \(campaignID)", logger: logger
        ).collect()
        guard !known.isEmpty else { return nil }

        var distribution = ScoreDistribution()
        let scores = try await client.query(
            """
            SELECT score, sum(votes)::int8 FROM campaign_scores
             WHERE campaign_id = \(campaignID) GROUP BY score HAVING sum(votes) > 0
            """,
            logger: logger
        )
        for try await (score, votes) in scores.decode((Int16, Int64).self) {
            distribution.add(score: Int(score), count: Int(votes))
        }

        var roles: [String: ScoreDistribution] = [:]
        let roleScores = try await client.query(
            """
            SELECT role, score, sum(votes)::int8 FROM campaign_role_scores
             WHERE campaign_id = \(campaignID) GROUP BY role, score HAVING sum(votes) > 0
            """,
            logger: logger
        )
        for try await (role, score, votes) in roleScores.decode((String, Int16, Int64).self) {
            roles[role, default: ScoreDistribution()].add(score: Int(score), count: Int(votes))
        }

        let workspaces = try await client.query(
            """
            SELECT count(DISTINCT workspace_id)::int8 FROM workspace_campaign_scores
             WHERE campaign_id = \(campaignID) AND votes > 0
            """,
            logger: logger
        )
        var votingWorkspaces = 0
        for try await count in workspaces.decode(Int64.self) { votingWorkspaces = Int(count) }

        return CampaignSummary(
            campaignID: campaignID, distribution: distribution, votingWorkspaces: votingWorkspaces, roles: roles)
    }
}
