import NPSDomain
import Testing

/// `Disclosure` decides over dense indices so that 100,000 workspaces take a
/// fraction of a second; the rule itself must not move. Every decision is
/// compared with `ReferenceDisclosure`, the rule as first written, on random
/// campaigns small enough to hit every branch: workspaces under k, pools that
/// need complementary cells, roles withheld for their complement, records
/// losing roles under rule 6, groups without votes or given twice.
@Suite("Disclosure: the same decisions as the rule as first written")
struct DisclosureEquivalenceTests {
    @Test("3,000 random campaigns: every decision equal to the reference")
    func randomCampaigns() {
        var random = SplitMix64(seed: 17)
        let roleNames = ["admin", "user", "owner", "moderator", "bot"]
        var withRule6 = 0
        var withWithheldRoles = 0
        for _ in 0..<3_000 {
            let threshold = PrivacyThreshold(k: Int.random(in: 2...8, using: &random))
            let isReleased = Int.random(in: 0..<10, using: &random) > 0
            var groups: [VoterGroup] = []
            for workspace in 0..<Int.random(in: 1...25, using: &random) {
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    let roles = Set(roleNames.filter { _ in Int.random(in: 0..<3, using: &random) == 0 })
                    groups.append(
                        VoterGroup(
                            workspaceID: "w\(workspace)", roles: roles, votes: Int.random(in: 0...12, using: &random)))
                }
            }
            let disclosure = Disclosure(groups: groups, threshold: threshold, isReleased: isReleased)
            let reference = ReferenceDisclosure(groups: groups, threshold: threshold, isReleased: isReleased)
            #expect(disclosure.totalVotes == reference.totalVotes)
            #expect(disclosure.workspaceVotes == reference.workspaceVotes)
            #expect(disclosure.roleVotes == reference.roleVotes)
            #expect(disclosure.isTotalPublished == reference.isTotalPublished)
            #expect(disclosure.withheldWorkspaces == reference.withheldWorkspaces, "\(groups)")
            #expect(disclosure.withheldRoles == reference.withheldRoles, "\(groups)")
            #expect(disclosure.recordRoles == reference.recordRoles, "\(groups)")
            #expect(
                Set(disclosure.publishedWorkspaces)
                    == Set(reference.workspaceVotes.keys).subtracting(reference.withheldWorkspaces))
            if !reference.withheldRoles.isEmpty && reference.isTotalPublished { withWithheldRoles += 1 }
            // Rule 6 took a role off some records that rule 5 alone would have let them carry.
            let candidates = reference.recordRoles.contains { workspace, shown in
                let held = Set(groups.filter { $0.workspaceID == workspace && $0.votes > 0 }.flatMap(\.roles))
                return shown
                    != ReferenceDisclosure.kAnonymousRoles(
                        groups.filter { $0.workspaceID == workspace && $0.votes > 0 }
                            .reduce(into: [Set<String>: Int]()) { $0[$1.roles, default: 0] += $1.votes },
                        candidates: held.subtracting(reference.withheldRoles),
                        cells: Dictionary(
                            groups.filter { $0.workspaceID == workspace }.flatMap { group in
                                group.roles.map { ($0, group.votes) }
                            }, uniquingKeysWith: +),
                        threshold: threshold)
            }
            if candidates { withRule6 += 1 }
        }
        // The campaigns reached the branches that matter.
        #expect(withRule6 > 20 && withWithheldRoles > 20, "rule 6: \(withRule6), withheld roles: \(withWithheldRoles)")
    }
}
