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

    /// A campaign's summary with the disclosure that governs every cell of it.
    public struct DisclosedSummary: Sendable {
        public var summary: CampaignSummary
        public var campaign: Campaign
        public var disclosure: Disclosure
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
        let groups = VoterGroupQuery(client: source, logger: logger)
        let decide = {
            Disclosure(groups: try await groups.groups(of: campaign.id), threshold: threshold, isReleased: isReleased)
        }
        guard let disclosures, source is ReadSnapshot else { return try await decide() }
        return try await disclosures.disclosure(
            for: .init(
                campaignID: campaign.id, groupsTag: try await groups.stateTag(of: campaign.id),
                isReleased: isReleased, k: threshold.k),
            decide)
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
        guard let overview = try await CampaignOverviewQuery(client: source, logger: logger).campaign(campaignID)
        else { return nil }
        let campaign = published(overview)
        let summary = try await CampaignSummaryQuery(client: source, logger: logger).summary(of: overview)
        let roleVotes = summary.roles.mapValues(\.n).filter { $0.value > 0 }
        let byRuleFour = RoleDisclosure.byRuleFour(
            roleVotes: roleVotes, totalVotes: overview.distribution.n, threshold: threshold)
        var holdings: [String: RoleDisclosure.Holding] = [:]
        var pool = 0
        if campaign.isPublished {
            let workspaces = try await workspaceDisclosure(of: campaign)
            pool = workspaces.pool
            holdings = try await RoleHoldingQuery(client: source, logger: logger).holdings(
                of: campaignID, roles: roleVotes.keys.filter { !byRuleFour.contains($0) }.sorted(),
                workspaces: workspaces, byRuleFour: byRuleFour)
        }
        let roles = RoleDisclosure(
            threshold: threshold, isTotalPublished: campaign.isPublished, roleVotes: roleVotes,
            byRuleFour: byRuleFour, pool: pool, holdings: holdings)
        return DisclosedRoles(summary: summary, campaign: overview.campaign, roles: roles)
    }

    /// The summary (pooled and per role) and its disclosure; nil for an unknown campaign.
    public func summary(of campaignID: String) async throws -> DisclosedSummary? {
        guard let overview = try await CampaignOverviewQuery(client: source, logger: logger).campaign(campaignID)
        else { return nil }
        let summary = try await CampaignSummaryQuery(client: source, logger: logger).summary(of: overview)
        return DisclosedSummary(
            summary: summary, campaign: overview.campaign, disclosure: try await disclosure(of: overview.campaign))
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

    /// The vote list, each record with the attributes `disclosure` allows, and its position for a cursor.
    public func votes(
        of campaignID: String, _ request: VoteListRequest, disclosure: Disclosure,
        _ body: (ListedVote, VotePosition) async throws -> Void
    ) async throws {
        try await VoteListQuery(client: source, logger: logger).votes(
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
