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

/// The campaign summary: the pooled figures as `CampaignOverviewQuery` reads
/// them (the one reading of a campaign's pooled distribution and voting
/// workspaces, shared by the overview, the summary, the dashboard, compare
/// and the exports), and the per-role figures beside them.
public struct CampaignSummaryQuery: Sendable {
    public let client: any ReadModelSource
    public let logger: Logger

    public init(client: any ReadModelSource, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Nil for a campaign the campaigns read model does not know.
    public func summary(of campaignID: String) async throws -> CampaignSummary? {
        guard let overview = try await CampaignOverviewQuery(client: client, logger: logger).campaign(campaignID)
        else { return nil }
        return try await summary(of: overview)
    }

    /// The summary of the campaign `overview` pooled, read in the same snapshot.
    public func summary(of overview: CampaignOverview) async throws -> CampaignSummary {
        var roles: [String: ScoreDistribution] = [:]
        let roleScores = try await client.rows(
            """
            SELECT role, score, sum(votes)::int8 FROM campaign_role_scores
             WHERE campaign_id = \(overview.campaign.id) GROUP BY role, score HAVING sum(votes) > 0
            """,
            logger: logger
        )
        for try await (role, score, votes) in roleScores.decode((String, Int16, Int64).self) {
            roles[role, default: ScoreDistribution()].add(score: Int(score), count: Int(votes))
        }
        return CampaignSummary(
            campaignID: overview.campaign.id, distribution: overview.distribution,
            votingWorkspaces: overview.votingWorkspaces, roles: roles)
    }
}
