import NPSDomain
import Testing

/// The vote page decides its records' roles from its own workspaces' groups
/// when `RoleRemainderProof` proves that rule 6 takes no role off any record.
/// Held to `Disclosure` on random campaigns: the proof never holds where
/// `Disclosure` took a role off, and where it holds, every published
/// workspace's roles from its own groups are `Disclosure`'s.
@Suite("RoleRemainderProof: rule 6 proven from counts, as Disclosure decides it")
struct RoleRemainderProofTests {
    @Test("4,000 random campaigns: the proof holds exactly when rule 6 takes nothing off")
    func randomCampaigns() {
        var provenEarly = 0
        var provenAtTheEnd = 0
        var refuted = 0
        for campaign in Campaign.samples(seed: 23) {
            var proof = campaign.proof
            var wasProvenEarly = false
            for workspace in campaign.canHide {
                if proof.isProven {
                    wasProvenEarly = true
                    break
                }
                proof.takeIn(workspace: campaign.byWorkspace[workspace, default: []])
            }
            let isProven = proof.isProven || proof.rolesTakenOffRecords.isEmpty
            #expect(isProven == campaign.rolesTakenOff.isEmpty, "k \(campaign.threshold.k): \(campaign.groups)")
            if !isProven {
                refuted += 1
            } else if wasProvenEarly {
                provenEarly += 1
            } else {
                provenAtTheEnd += 1
            }
        }
        // Each way out was taken often enough for the comparison to mean something.
        #expect(
            provenEarly > 100 && provenAtTheEnd > 100 && refuted > 20,
            "early \(provenEarly), at the end \(provenAtTheEnd), refuted \(refuted)")
    }

    /// A page first settles the roles no workspace of two role sets or more
    /// holds (`takeIn(rolesThatCanBeHidden:)`, from the fold's `has_siblings`),
    /// then scans. Such a role is never one `Disclosure` takes off a record,
    /// and the verdict after the scan is unchanged.
    @Test("4,000 random campaigns: a role no workspace of several role sets holds is settled from counts alone")
    func rolesThatCannotBeHidden() {
        var settled = 0
        for campaign in Campaign.samples(seed: 29) {
            // As the fold keeps it: every group row counts, a group at zero votes too.
            var canBeHidden: Set<String> = []
            for (_, rows) in Dictionary(grouping: campaign.groups, by: \.workspaceID) where rows.count > 1 {
                for row in rows { canBeHidden.formUnion(row.roles) }
            }
            var proof = campaign.proof
            let openBefore = Set(proof.openRoles)
            proof.takeIn(rolesThatCanBeHidden: canBeHidden)
            let settledHere = openBefore.subtracting(proof.openRoles)
            settled += settledHere.count
            let takenOff = campaign.rolesTakenOff
            #expect(settledHere.isDisjoint(with: takenOff), "k \(campaign.threshold.k): \(campaign.groups)")
            for workspace in campaign.canHide { proof.takeIn(workspace: campaign.byWorkspace[workspace, default: []]) }
            #expect(proof.rolesTakenOffRecords == takenOff, "k \(campaign.threshold.k): \(campaign.groups)")
        }
        #expect(settled > 50, "settled \(settled)")
    }

    /// What a page does with the roles the proof leaves open: rule 6 for each
    /// of them from the groups of its published holders alone.
    @Test("4,000 random campaigns: rule 6 for one role from its holders' groups, as Disclosure decides it")
    func oneRoleFromItsHolders() {
        var takenOff = 0
        for campaign in Campaign.samples(seed: 31) {
            let (threshold, groups, disclosure, byWorkspace) = (
                campaign.threshold, campaign.groups, campaign.disclosure, campaign.byWorkspace
            )
            let byRuleFour = campaign.byRuleFour
            for (role, votes) in disclosure.roleVotes where !disclosure.withheldRoles.contains(role) {
                let holders = disclosure.publishedWorkspaces.filter { workspace in
                    byWorkspace[workspace, default: []].contains { $0.roles.contains(role) }
                }
                let givingUp = Disclosure.workspacesGivingUp(
                    role, votes: votes, inPool: campaign.inPool[role, default: 0], pool: disclosure.workspaces.pool,
                    holders: holders.flatMap { byWorkspace[$0, default: []] }, byRuleFour: byRuleFour,
                    withheldRoles: disclosure.withheldRoles, threshold: threshold)
                let expected = Set(
                    holders.filter { workspace in
                        campaign.shownByRuleFive(workspace).contains(role)
                            && !(disclosure.recordRoles[workspace] ?? []).contains(role)
                    })
                #expect(givingUp == expected, "\(role), k \(threshold.k): \(groups)")
                if !expected.isEmpty { takenOff += 1 }
            }
        }
        #expect(takenOff > 100, "\(takenOff)")
    }

    @Test("A role most published workspaces hide is proven by the first two of them")
    func provenByTheFirstHidingWorkspaces() {
        // Every workspace: 20 users and one moderator. Rule 5 hides both roles (the moderator
        // alone would stand out), so neither role is on any record and no pool holds them.
        let groups = (0..<1_000).flatMap { workspace in
            [
                VoterGroup(workspaceID: "w\(workspace)", roles: ["user"], votes: 20),
                VoterGroup(workspaceID: "w\(workspace)", roles: ["moderator"], votes: 1),
            ]
        }
        let threshold = PrivacyThreshold()
        var proof = RoleRemainderProof(
            threshold: threshold, roleVotes: ["user": 20_000, "moderator": 1_000], withheldRoles: [],
            byRuleFour: [], inPool: [:], pool: 0)
        #expect(!proof.isProven)
        proof.takeIn(workspace: Array(groups[0..<2]))
        #expect(!proof.isProven)
        proof.takeIn(workspace: Array(groups[2..<4]))
        // Moderator: 2 hidden votes in two workspaces, still under k.
        #expect(!proof.isProven)
        for workspace in 2..<5 { proof.takeIn(workspace: Array(groups[(2 * workspace)..<(2 * workspace + 2)])) }
        #expect(proof.isProven)
        #expect(
            Disclosure.recordRoles(ofWorkspace: Array(groups[0..<2]), withheldRoles: [], threshold: threshold) == [])
    }

    /// A random campaign whose total is published, with what the tests read of it.
    struct Campaign {
        var threshold: PrivacyThreshold
        var groups: [VoterGroup]
        var disclosure: Disclosure
        var byWorkspace: [String: [VoterGroup]]
        var byRuleFour: Set<String>
        var inPool: [String: Int]
        var proof: RoleRemainderProof

        /// Rule 5 for one published workspace from its own groups, less the withheld roles: what
        /// its records carry when rule 6 takes nothing off it.
        func shownByRuleFive(_ workspace: String) -> Set<String> {
            Disclosure.recordRoles(
                ofWorkspace: byWorkspace[workspace, default: []], withheldRoles: byRuleFour, threshold: threshold
            ).subtracting(disclosure.withheldRoles)
        }

        /// The published workspaces that can hide a role (a group of 1 to k − 1 votes), in the
        /// order the database hands them over.
        var canHide: [String] {
            disclosure.publishedWorkspaces
                .filter { byWorkspace[$0, default: []].contains { threshold.isBelow(count: $0.votes) } }
                .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }

        /// The roles rule 6 takes off some published workspace's records.
        var rolesTakenOff: Set<String> {
            Set(
                disclosure.publishedWorkspaces.flatMap { workspace in
                    shownByRuleFive(workspace).subtracting(disclosure.recordRoles[workspace] ?? [])
                })
        }

        /// The campaigns among 4,000 random draws whose total is published.
        static func samples(seed: UInt64) -> [Campaign] {
            var generator = SplitMix64(seed: seed)
            return (0..<4_000).compactMap { _ in Campaign.random(using: &generator) }
        }

        static func random(using random: inout SplitMix64) -> Campaign? {
            let threshold = PrivacyThreshold(k: Int.random(in: 2...8, using: &random))
            let groups = DisclosureEquivalenceTests.randomGroups(workspaces: 1...25, using: &random)
            let disclosure = Disclosure(groups: groups, threshold: threshold)
            guard disclosure.isTotalPublished else { return nil }
            let counted = groups.filter { $0.votes > 0 }
            let byRuleFour = RoleDisclosure.byRuleFour(
                roleVotes: disclosure.roleVotes, totalVotes: disclosure.totalVotes, threshold: threshold)
            var inPool: [String: Int] = [:]
            for group in counted where disclosure.withheldWorkspaces.contains(group.workspaceID) {
                for role in group.roles { inPool[role, default: 0] += group.votes }
            }
            return Campaign(
                threshold: threshold, groups: groups, disclosure: disclosure,
                byWorkspace: Dictionary(grouping: counted, by: \.workspaceID), byRuleFour: byRuleFour, inPool: inPool,
                proof: RoleRemainderProof(
                    threshold: threshold, roleVotes: disclosure.roleVotes, withheldRoles: disclosure.withheldRoles,
                    byRuleFour: byRuleFour, inPool: inPool, pool: disclosure.workspaces.pool))
        }
    }
}
