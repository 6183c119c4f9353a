import Foundation
import Logging
import NPSDomain
import PostgresNIO

/// The only way the analyst-facing side (query API, exports, dashboard,
/// compare, trend) reads figures of votes: every table of cells it
/// publishes comes out of here with `Disclosure`'s decision attached,
/// read from the same source (one `ReadSnapshot` per answer) as the
/// figures themselves. The read-model queries it wraps are not used by
/// any route directly.
public struct PrivacyLayer: Sendable {
    public let threshold: PrivacyThreshold
    public let policy: PublicationPolicy
    let source: any ReadModelSource
    /// Used only when `source` is a `ReadSnapshot`: the groups' tag and the groups are then read in one snapshot.
    let disclosures: DisclosureCache?
    let logger: Logger

    public init(
        source: any ReadModelSource, threshold: PrivacyThreshold, policy: PublicationPolicy,
        disclosures: DisclosureCache? = nil, logger: Logger
    ) {
        self.source = source
        self.threshold = threshold
        self.policy = policy
        self.disclosures = source is ReadSnapshot ? disclosures : nil
        self.logger = logger
    }

    /// A campaign's pooled figures and whether they are published.
    public struct PublishedCampaign: Sendable {
        public var overview: CampaignOverview
        public var isPublished: Bool
        public var distribution: ScoreDistribution { overview.distribution }
        public var campaign: Campaign { overview.campaign }
    }

    /// One campaign a workspace took part in, and whether its cell is withheld.
    public struct WorkspaceCampaign: Sendable {
        public var campaignID: String
        public var startAt: Date
        public var distribution: ScoreDistribution
        public var isWithheld: Bool
    }

    private func published(_ overview: CampaignOverview) -> PublishedCampaign {
        PublishedCampaign(
            overview: overview,
            isPublished: Disclosure.isTotalPublished(
                votes: overview.distribution.n, isReleased: policy.isReleased(overview.campaign),
                threshold: threshold))
    }

    /// Every campaign in start order (the campaign list, the trend, the dashboard's overview).
    public func campaigns() async throws -> [PublishedCampaign] {
        try await CampaignOverviewQuery(client: source, logger: logger).all().map(published)
    }

    /// Nil for a campaign the read models do not know.
    public func campaign(_ campaignID: String) async throws -> PublishedCampaign? {
        try await CampaignOverviewQuery(client: source, logger: logger).campaign(campaignID).map(published)
    }

    /// What may be shown of a campaign's cells and records.
    public func disclosure(of campaign: Campaign) async throws -> Disclosure {
        let isReleased = policy.isReleased(campaign)
        let decide = {
            Disclosure(
                groups: try await VoterGroupQuery(client: self.source, logger: self.logger).groups(of: campaign.id),
                threshold: self.threshold, isReleased: isReleased)
        }
        guard let disclosures, source is ReadSnapshot else { return try await decide() }
        return try await disclosures.disclosure(for: try await keptKey(of: campaign), decide)
    }

    /// What a decision about `campaign` is kept under: the state of its
    /// groups read in this answer's snapshot, the release and k.
    func keptKey(of campaign: Campaign) async throws -> DisclosureCache.Key {
        DisclosureCache.Key(
            campaignID: campaign.id,
            groupsTag: try await VoterGroupQuery(client: source, logger: logger).stateTag(of: campaign.id),
            isReleased: policy.isReleased(campaign), k: threshold.k)
    }

    /// Which of a campaign's workspaces show their figures (rules 1 to 3),
    /// decided from the counts the votes fold keeps in index order rather
    /// than from every voter group: the same decision as `disclosure(of:)`'s
    /// `workspaces`, for the routes that need no other part of it.
    public func workspaceDisclosure(of campaign: PublishedCampaign) async throws -> WorkspaceDisclosure {
        try await WorkspaceTallyQuery(client: source, logger: logger).disclosure(
            of: campaign.campaign.id, threshold: threshold, isTotalPublished: campaign.isPublished)
    }

    /// A campaign's summary with which of its roles show their totals.
    public struct DisclosedRoles: Sendable {
        public var summary: CampaignSummary
        public var campaign: Campaign
        public var roles: RoleDisclosure
    }

    /// The role breakdown: the summary, with rules 4 and 6 decided from the
    /// roles' counts (`RoleDisclosure`, `RoleHoldingQuery`) rather than from
    /// every voter group; nil for an unknown campaign.
    public func roleBreakdown(of campaignID: String) async throws -> DisclosedRoles? {
        guard let campaign = try await campaign(campaignID) else { return nil }
        return try await roleBreakdown(of: campaign)
    }

    public func roleBreakdown(of campaign: PublishedCampaign) async throws -> DisclosedRoles {
        let decided = try await roleDecision(of: campaign)
        return DisclosedRoles(summary: decided.summary, campaign: campaign.campaign, roles: decided.roles)
    }

    /// Rules 3, 4 and 6 for a campaign's totals, from counts, with the counts
    /// they were decided from: what the role breakdown shows and what a vote
    /// page starts from.
    struct RoleDecision {
        var summary: CampaignSummary
        var workspaces: WorkspaceDisclosure
        var roleVotes: [String: Int]
        var byRuleFour: Set<String>
        /// Each role's votes in the pool; empty while the total is withheld.
        var inPool: [String: Int]
        var roles: RoleDisclosure
    }

    func roleDecision(of campaign: PublishedCampaign) async throws -> RoleDecision {
        let summary = try await CampaignSummaryQuery(client: source, logger: logger).summary(of: campaign.overview)
        let roleVotes = summary.roles.mapValues(\.n).filter { $0.value > 0 }
        let byRuleFour = RoleDisclosure.byRuleFour(
            roleVotes: roleVotes, totalVotes: campaign.distribution.n, threshold: threshold)
        let workspaces = try await workspaceDisclosure(of: campaign)
        var holdings: [String: RoleDisclosure.Holding] = [:]
        var inPool: [String: Int] = [:]
        if campaign.isPublished {
            let query = RoleHoldingQuery(client: source, logger: logger)
            inPool = try await query.rolesInPool(of: campaign.campaign.id, workspaces: workspaces)
            holdings = try await query.holdings(
                of: campaign.campaign.id, roles: roleVotes.keys.filter { !byRuleFour.contains($0) }.sorted(),
                workspaces: workspaces, byRuleFour: byRuleFour, inPool: inPool)
        }
        let roles = RoleDisclosure(
            threshold: threshold, isTotalPublished: campaign.isPublished, roleVotes: roleVotes,
            byRuleFour: byRuleFour, pool: workspaces.pool, holdings: holdings)
        return RoleDecision(
            summary: summary, workspaces: workspaces, roleVotes: roleVotes, byRuleFour: byRuleFour, inPool: inPool,
            roles: roles)
    }

    /// Counts of workspaces, never of votes by score: shown whatever the rule.
    public func funnel(of campaignID: String) async throws -> CampaignFunnel {
        try await CampaignFunnelQuery(client: source, logger: logger).funnel(of: campaignID)
    }

    /// The workspace breakdown, each row withheld as `disclosure` says.
    public func workspaces(
        of campaignID: String, _ request: WorkspaceBreakdownRequest, disclosure: WorkspaceDisclosure,
        _ body: (WorkspaceFigures, WorkspacePosition) async throws -> Void
    ) async throws {
        try await WorkspaceBreakdownQuery(client: source, logger: logger).rows(
            of: campaignID, request, disclosure: disclosure, body)
    }

    /// A workspace's directory entry (what it says of itself: no votes) and
    /// its figures in each campaign it took part in; nil for a workspace the
    /// directory does not know.
    public func workspace(_ workspaceID: String) async throws -> (WorkspaceEntry, [WorkspaceCampaign])? {
        guard var entry = try await WorkspaceDirectoryQuery(client: source, logger: logger).entry(workspaceID) else {
            return nil
        }
        // Its figures leave here only under each campaign's disclosure.
        entry.campaigns = []
        return (entry, try await campaigns(ofWorkspace: workspaceID))
    }

    /// A workspace's (or a landing source's) figures in each campaign it took
    /// part in, in start order, each under that campaign's disclosure.
    public func campaigns(ofWorkspace workspaceID: String) async throws -> [WorkspaceCampaign] {
        var campaigns: [WorkspaceCampaign] = []
        for votes in try await WorkspaceDirectoryQuery(client: source, logger: logger).campaigns(of: workspaceID) {
            guard let campaign = try await self.campaign(votes.campaignID) else { continue }
            let disclosure = try await workspaceDisclosure(of: campaign)
            campaigns.append(
                WorkspaceCampaign(
                    campaignID: votes.campaignID, startAt: votes.startAt, distribution: votes.distribution,
                    isWithheld: disclosure.isWithheld(workspaceID, votes: votes.distribution.n)))
        }
        return campaigns
    }
}
