import NPSDomain

extension PrivacyLayer {
    /// How many workspaces that can hide a role a page's proof reads at a
    /// time, and at most, before it decides the roles left open one by one
    /// (sooner when a read finds no workspace hiding one of them).
    static let hidingWorkspacesPerRead = 256
    static let hidingWorkspacesRead = 1_024
    /// The most published holders of one role whose groups a page reads to
    /// decide rule 6 for that role, before it decides the whole campaign.
    static let holdersRead = 20_000

    /// The vote list, each record with the attributes the rule allows (rules
    /// 5 and 6), and its position for a cursor.
    ///
    /// A page with no role asked for decides the roles of its records from
    /// its own workspaces' groups, and rule 6 from counts where they prove it
    /// takes no role off any record (`RoleRemainderProof`) and from the
    /// holders' groups of each role they leave open (`pageRules`): at
    /// 100,000 workspaces that is a few statements instead of every voter
    /// group. A page with a role left open that too many workspaces hold, a
    /// page of one role (which needs every workspace whose records carry it)
    /// and a whole export read the campaign's whole decision
    /// (`disclosure(of:)`, kept per state of the groups).
    public func votes(
        of campaign: PublishedCampaign, _ request: VoteListRequest,
        _ body: (ListedVote, VotePosition) async throws -> Void
    ) async throws {
        let query = VoteListQuery(client: source, logger: logger)
        if request.limit != nil, request.role == nil, let page = try await keptPageRules(of: campaign) {
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
                recordRoles[workspaceID] = page.recordRoles(ofWorkspace: own)
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

    /// `pageRules`, kept per state of the campaign's groups like the whole
    /// decision, so that another campaign's results do not make every page
    /// decide them again.
    private func keptPageRules(of campaign: PublishedCampaign) async throws -> PageRules? {
        guard let disclosures, source is ReadSnapshot else { return try await pageRules(of: campaign) }
        return try await disclosures.pageRules(for: try await keptKey(of: campaign.campaign)) {
            try await pageRules(of: campaign)
        }
    }

    /// What a page needs of rules 5 and 6 beyond its own workspaces' groups.
    struct PageRules: Sendable {
        var scope: VoteListScope
        var threshold: PrivacyThreshold
        /// Rule 5 chooses among the roles rule 4 leaves, as in `Disclosure`.
        var byRuleFour: Set<String>
        var withheldRoles: Set<String>
        /// For each role rule 6 takes off some records: the workspaces whose records give it up.
        var givingUp: [String: Set<String>]

        /// The roles the records of a listed published workspace carry, from its own groups.
        func recordRoles(ofWorkspace groups: [VoterGroup]) -> Set<String> {
            guard let workspaceID = groups.first?.workspaceID else { return [] }
            return Disclosure.recordRoles(ofWorkspace: groups, withheldRoles: byRuleFour, threshold: threshold)
                .filter { !withheldRoles.contains($0) && givingUp[$0]?.contains(workspaceID) != true }
        }
    }

    /// Rules 1 to 4 from counts, and rule 6 without the whole campaign: first
    /// the proof from the pool's counts, from which roles any workspace of
    /// several role sets holds (the others are hidden nowhere but in the
    /// pool), and from the workspaces that can hide a role
    /// (`RoleRemainderProof`, at most `hidingWorkspacesRead` of them),
    /// then, for each role it leaves open, rule 6 decided from the groups of
    /// that role's published holders (`Disclosure.workspacesGivingUp`). Nil
    /// when a role left open has more than `holdersRead` published holders:
    /// the whole campaign's groups are then read once rather than most of
    /// them role by role.
    func pageRules(
        of campaign: PublishedCampaign, holdersRead: Int = holdersRead,
        hidingWorkspacesRead: Int = hidingWorkspacesRead
    ) async throws -> PageRules? {
        let decided = try await roleDecision(of: campaign)
        var proof = RoleRemainderProof(
            threshold: threshold, roleVotes: decided.roleVotes, withheldRoles: decided.roles.withheldRoles,
            byRuleFour: decided.byRuleFour, inPool: decided.inPool, pool: decided.workspaces.pool)
        var givingUp: [String: Set<String>] = [:]
        if campaign.isPublished {
            let holdings = RoleHoldingQuery(client: source, logger: logger)
            if !proof.isProven {
                proof.takeIn(rolesThatCanBeHidden: try await holdings.rolesThatCanBeHidden(of: campaign.campaign.id))
            }
            var after: String?
            var read = 0
            var isExhausted = false
            while !proof.isProven && read < hidingWorkspacesRead {
                let found = try await holdings.workspacesThatCanHideRoles(
                    of: campaign.campaign.id, workspaces: decided.workspaces, after: after,
                    limit: Self.hidingWorkspacesPerRead)
                let hidingBefore = proof.hidingWorkspaces
                for workspace in found where !proof.isProven { proof.takeIn(workspace: workspace.groups) }
                read += found.count
                after = found.last?.workspaceID
                isExhausted = found.count < Self.hidingWorkspacesPerRead
                // A read in which no workspace hid an open role says those roles are seldom hidden:
                // their holders decide them sooner than the rest of the scan would.
                if isExhausted || proof.hidingWorkspaces == hidingBefore { break }
            }
            // Once every workspace that can hide a role is taken in, the remainders are exact.
            let undecided = isExhausted ? proof.rolesTakenOffRecords.sorted() : proof.openRoles
            for role in undecided {
                guard
                    let holders = try await holdings.groupsOfPublishedHolders(
                        of: campaign.campaign.id, role: role, workspaces: decided.workspaces, limit: holdersRead)
                else { return nil }
                let taken = Disclosure.workspacesGivingUp(
                    role, votes: decided.roleVotes[role] ?? 0, inPool: decided.inPool[role] ?? 0,
                    pool: decided.workspaces.pool, holders: holders, byRuleFour: decided.byRuleFour,
                    withheldRoles: decided.roles.withheldRoles, threshold: threshold)
                if !taken.isEmpty { givingUp[role] = taken }
            }
        }
        return PageRules(
            scope: try await pageScope(of: campaign, workspaces: decided.workspaces), threshold: threshold,
            byRuleFour: decided.byRuleFour, withheldRoles: decided.roles.withheldRoles, givingUp: givingUp)
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
            listsRecords: campaign.isPublished, workspaces: workspaces, withheldWorkspaces: withheld,
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
