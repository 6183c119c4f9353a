import NPSDomain

extension PrivacyLayer {
    /// How many workspaces that can hide a role a page's proof reads at a
    /// time, and at most, before it decides the whole campaign instead.
    static let hidingWorkspacesPerRead = 256
    static let hidingWorkspacesRead = 4_096

    /// The vote list, each record with the attributes the rule allows (rules
    /// 5 and 6), and its position for a cursor.
    ///
    /// A page with no role asked for decides the roles of its records from
    /// its own workspaces' groups when the roles' counts prove that rule 6
    /// takes no role off any record (`RoleRemainderProof`): at 100,000
    /// workspaces that is a few statements instead of every voter group. A
    /// page the proof cannot settle within `hidingWorkspacesRead` workspaces,
    /// a page of one role (which needs every workspace whose records carry
    /// it) and a whole export read the campaign's whole decision
    /// (`disclosure(of:)`, kept per state of the groups).
    public func votes(
        of campaign: PublishedCampaign, _ request: VoteListRequest,
        _ body: (ListedVote, VotePosition) async throws -> Void
    ) async throws {
        let query = VoteListQuery(client: source, logger: logger)
        if request.limit != nil, request.role == nil, let page = try await pageRules(of: campaign) {
            var stored: [(StoredVote, VotePosition)] = []
            try await query.votes(of: campaign.campaign.id, request, scope: page.scope) { stored.append(($0, $1)) }
            let listed = Set(stored.lazy.filter { !$0.0.isPooled }.map(\.0.workspaceID)).sorted()
            let groups =
                listed.isEmpty
                ? []
                : try await VoterGroupQuery(client: source, logger: logger).groups(
                    of: campaign.campaign.id, workspaces: listed)
            var recordRoles: [String: Set<String>] = [:]
            for (workspaceID, own) in Dictionary(grouping: groups, by: \.workspaceID) {
                recordRoles[workspaceID] = page.proof.recordRoles(ofWorkspace: own, withheldRoles: page.withheldRoles)
            }
            for (vote, position) in stored {
                let shown = vote.isPooled ? nil : recordRoles[vote.workspaceID]
                try await body(
                    vote.listed(DisclosedRecord(workspaceID: vote.workspaceID, roles: vote.roles, shownRoles: shown)),
                    position)
            }
            return
        }
        try await votes(
            of: campaign.campaign.id, request, disclosure: try await disclosure(of: campaign.campaign), body)
    }

    /// The vote list under a decision of the whole campaign, which must have
    /// been read in the same snapshot.
    public func votes(
        of campaignID: String, _ request: VoteListRequest, disclosure: Disclosure,
        _ body: (ListedVote, VotePosition) async throws -> Void
    ) async throws {
        let scope = VoteListScope(
            listsRecords: disclosure.listsRecords, workspaces: disclosure.workspaces,
            withheldWorkspaces: disclosure.withheldWorkspaces.sorted(),
            publishedWorkspaces: request.limit == nil ? disclosure.publishedWorkspaces : nil,
            carryingRole: request.role.map { role in
                disclosure.recordRoles.filter { $0.value.contains(role) }.keys.sorted()
            })
        try await VoteListQuery(client: source, logger: logger).votes(of: campaignID, request, scope: scope) {
            vote, position in
            try await body(vote.listed(disclosure.record(workspaceID: vote.workspaceID, roles: vote.roles)), position)
        }
    }

    /// What a page needs of the rule when counts settle rule 6.
    struct PageRules {
        var scope: VoteListScope
        var proof: RoleRemainderProof
        var withheldRoles: Set<String>
    }

    /// Rules 1 to 4 and 6 from counts, and the proof that rule 6 takes no
    /// role off a record; nil when the proof needs more than
    /// `hidingWorkspacesRead` workspaces or fails (rule 6 takes a role off
    /// the records of some workspaces, which only the whole campaign's
    /// groups decide).
    func pageRules(of campaign: PublishedCampaign) async throws -> PageRules? {
        let decided = try await roleDecision(of: campaign)
        var proof = RoleRemainderProof(
            threshold: threshold, roleVotes: decided.roleVotes, withheldRoles: decided.roles.withheldRoles,
            byRuleFour: decided.byRuleFour, inPool: decided.inPool, pool: decided.workspaces.pool)
        if campaign.isPublished {
            let holdings = RoleHoldingQuery(client: source, logger: logger)
            var after: String?
            var read = 0
            while !proof.isProven {
                guard read < Self.hidingWorkspacesRead else { return nil }
                let found = try await holdings.workspacesThatCanHideRoles(
                    of: campaign.campaign.id, workspaces: decided.workspaces, after: after,
                    limit: Self.hidingWorkspacesPerRead)
                for workspace in found where !proof.isProven { proof.takeIn(workspace: workspace.groups) }
                read += found.count
                after = found.last?.workspaceID
                if found.count < Self.hidingWorkspacesPerRead {
                    // Every workspace that can hide a role has been taken in: the remainders are exact.
                    if !proof.isProven && !proof.isExactlyProven { return nil }
                    break
                }
            }
        }
        return PageRules(
            scope: try await pageScope(of: campaign, workspaces: decided.workspaces), proof: proof,
            withheldRoles: decided.roles.withheldRoles)
    }

    /// Which votes a page lists: rules 1 to 3 alone, from counts.
    private func pageScope(
        of campaign: PublishedCampaign, workspaces: WorkspaceDisclosure
    ) async throws
        -> VoteListScope
    {
        let withheld = try await WorkspaceTallyQuery(client: source, logger: logger).withheldWorkspaces(
            of: campaign.campaign.id, disclosure: workspaces)
        return VoteListScope(
            listsRecords: campaign.isPublished, workspaces: workspaces, withheldWorkspaces: withheld.sorted(),
            publishedWorkspaces: nil, carryingRole: nil)
    }

    /// A page of the votes with a comment, showing scores and comments alone (the
    /// dashboard's comments): no vote carries a workspace, a role or a time,
    /// so rules 5 and 6 do not apply, and rules 1 to 3, which choose the
    /// votes listed and their order, are decided from counts.
    public func comments(
        of campaign: PublishedCampaign, category: NPSCategory?, limit: Int,
        _ body: (ListedVote, VotePosition) async throws -> Void
    ) async throws {
        let request = VoteListRequest(category: category, hasComment: true, limit: limit)
        let scope = try await pageScope(of: campaign, workspaces: try await workspaceDisclosure(of: campaign))
        try await VoteListQuery(client: source, logger: logger).votes(of: campaign.campaign.id, request, scope: scope) {
            vote, position in
            try await body(vote.listed(DisclosedRecord(workspaceID: nil, roles: [], showsTime: false)), position)
        }
    }
}
