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
        var withRule6 = 0
        var withWithheldRoles = 0
        for _ in 0..<3_000 {
            let threshold = PrivacyThreshold(k: Int.random(in: 2...8, using: &random))
            let isReleased = Int.random(in: 0..<10, using: &random) > 0
            let groups = Self.randomGroups(workspaces: 1...25, using: &random)
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

    /// What a breakdown decided from counts would rely on (docs/benchmarks.md,
    /// query): rule 6 withholds a role campaign-wide exactly when (a) no
    /// published workspace holds it and the pool minus it is 1 to k − 1
    /// votes, or (b) the pool holds none of it, one published workspace
    /// alone holds it, rule 5 does not show it on that workspace's records,
    /// and that workspace minus it is 1 to k − 1; each time followed by rule
    /// 4's complementary suppression.
    @Test("5,000 random campaigns: rule 6's withheld roles follow from per-role counts")
    func ruleSixFromCounts() {
        var random = SplitMix64(seed: 99)
        var withheldByRuleSix = 0
        for _ in 0..<5_000 {
            let threshold = PrivacyThreshold(k: Int.random(in: 2...8, using: &random))
            let groups = Self.randomGroups(workspaces: 1...12, using: &random)
            let disclosure = Disclosure(groups: groups, threshold: threshold)
            guard disclosure.isTotalPublished else { continue }
            let smallComplements = Set(
                disclosure.roleVotes.filter { !threshold.isSafeRemainder(disclosure.totalVotes - $0.value) }.keys)
            let byRuleFour = threshold.cellsToWithhold(disclosure.roleVotes, alsoWithheld: smallComplements)
            let counted = groups.filter { $0.votes > 0 }
            let pooled = counted.filter { disclosure.withheldWorkspaces.contains($0.workspaceID) }
            let pool = pooled.reduce(0) { $0 + $1.votes }
            func shownByRuleFive(_ workspace: String) -> Set<String> {
                let own = counted.filter { $0.workspaceID == workspace }
                return ReferenceDisclosure.kAnonymousRoles(
                    own.reduce(into: [Set<String>: Int]()) { $0[$1.roles, default: 0] += $1.votes },
                    candidates: Set(own.flatMap(\.roles)).subtracting(byRuleFour),
                    cells: Dictionary(
                        own.flatMap { group in group.roles.map { ($0, group.votes) } }, uniquingKeysWith: +),
                    threshold: threshold)
            }
            var withheld = byRuleFour
            while true {
                var newly: Set<String> = []
                for (role, votes) in disclosure.roleVotes where !withheld.contains(role) {
                    let inPool = pooled.filter { $0.roles.contains(role) }.reduce(0) { $0 + $1.votes }
                    let holders = Set(
                        counted.filter {
                            !disclosure.withheldWorkspaces.contains($0.workspaceID) && $0.roles.contains(role)
                        }
                        .map(\.workspaceID))
                    let onlyInPool = holders.isEmpty && inPool > 0 && !threshold.isSafeRemainder(pool - votes)
                    let hiddenInOne =
                        inPool == 0 && holders.count == 1 && !shownByRuleFive(holders.first!).contains(role)
                        && !threshold.isSafeRemainder(disclosure.workspaceVotes[holders.first!]! - votes)
                    if onlyInPool || hiddenInOne { newly.insert(role) }
                }
                if newly.isEmpty { break }
                withheld = threshold.cellsToWithhold(disclosure.roleVotes, alsoWithheld: withheld.union(newly))
            }
            if withheld != byRuleFour { withheldByRuleSix += 1 }
            #expect(withheld == disclosure.withheldRoles, "\(threshold.k): \(groups)")
        }
        // Enough campaigns where rule 6 withheld a role for the test to mean something.
        #expect(withheldByRuleSix > 50, "\(withheldByRuleSix)")
    }

    /// A random campaign's groups: up to four role sets per workspace, some without votes.
    static func randomGroups(workspaces: ClosedRange<Int>, using random: inout SplitMix64) -> [VoterGroup] {
        let roleNames = ["admin", "user", "owner", "moderator", "bot"]
        var groups: [VoterGroup] = []
        for workspace in 0..<Int.random(in: workspaces, using: &random) {
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let roles = Set(roleNames.filter { _ in Int.random(in: 0..<3, using: &random) == 0 })
                groups.append(
                    VoterGroup(
                        workspaceID: "w\(workspace)", roles: roles, votes: Int.random(in: 0...12, using: &random)))
            }
        }
        return groups
    }
}
