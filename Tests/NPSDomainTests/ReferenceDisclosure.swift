import NPSDomain

/// The privacy rule as first written (before it was made to decide 100,000
/// workspaces in one pass over dense indices): the reference the faster
/// `Disclosure` must agree with on every campaign (DisclosureEquivalenceTests).
/// Its decisions only; what the rule shows is read from `Disclosure`.
struct ReferenceDisclosure {
    let threshold: PrivacyThreshold
    let totalVotes: Int
    let workspaceVotes: [String: Int]
    let roleVotes: [String: Int]
    let isReleased: Bool
    let isTotalPublished: Bool
    let withheldWorkspaces: Set<String>
    let withheldRoles: Set<String>
    let recordRoles: [String: Set<String>]

    static func isTotalPublished(votes: Int, isReleased: Bool, threshold: PrivacyThreshold) -> Bool {
        Disclosure.isTotalPublished(votes: votes, isReleased: isReleased, threshold: threshold)
    }

    init(groups: [VoterGroup], threshold: PrivacyThreshold, isReleased: Bool = true) {
        var byWorkspace: [String: [Set<String>: Int]] = [:]
        var cells: [String: [String: Int]] = [:]
        var roleVotes: [String: Int] = [:]
        for group in groups where group.votes > 0 {
            byWorkspace[group.workspaceID, default: [:]][group.roles, default: 0] += group.votes
            for role in group.roles {
                cells[group.workspaceID, default: [:]][role, default: 0] += group.votes
                roleVotes[role, default: 0] += group.votes
            }
        }
        let workspaceVotes = byWorkspace.mapValues { $0.values.reduce(0, +) }
        let total = workspaceVotes.values.reduce(0, +)
        self.threshold = threshold
        self.totalVotes = total
        self.workspaceVotes = workspaceVotes
        self.roleVotes = roleVotes
        self.isReleased = isReleased
        self.isTotalPublished = Self.isTotalPublished(votes: total, isReleased: isReleased, threshold: threshold)
        guard isTotalPublished else {
            withheldWorkspaces = Set(workspaceVotes.keys)
            withheldRoles = Set(roleVotes.keys)
            recordRoles = [:]
            return
        }
        let withheldWorkspaces = Self.cellsToWithhold(threshold, workspaceVotes)
        let pool = withheldWorkspaces.reduce(0) { $0 + workspaceVotes[$1]! }
        let smallComplements = Set(roleVotes.filter { !threshold.isSafeRemainder(total - $0.value) }.keys)
        var withheldRoles = Self.cellsToWithhold(threshold, roleVotes, alsoWithheld: smallComplements)
        var recordRoles: [String: Set<String>] = [:]
        for (workspace, roleSets) in byWorkspace where !withheldWorkspaces.contains(workspace) {
            recordRoles[workspace] = Self.kAnonymousRoles(
                roleSets, candidates: Set(cells[workspace, default: [:]].keys).subtracting(withheldRoles),
                cells: cells[workspace, default: [:]], threshold: threshold)
        }
        while true {
            var newlyWithheld: Set<String> = []
            for role in roleVotes.keys.sorted() where !withheldRoles.contains(role) {
                while !Self.isRoleTotalSafe(
                    role, roleVotes: roleVotes[role]!, cells: cells, recordRoles: recordRoles,
                    withheldWorkspaces: withheldWorkspaces, pool: pool, workspaceVotes: workspaceVotes,
                    threshold: threshold)
                {
                    let carrying = recordRoles.filter { $0.value.contains(role) }.keys.map { ($0, cells[$0]![role]!) }
                    guard let smallest = carrying.min(by: { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }) else {
                        newlyWithheld.insert(role)
                        break
                    }
                    recordRoles[smallest.0]!.remove(role)
                }
            }
            if newlyWithheld.isEmpty { break }
            withheldRoles = Self.cellsToWithhold(threshold, roleVotes, alsoWithheld: withheldRoles.union(newlyWithheld))
            // Fewer roles shown only merges a workspace's classes of records: each stays at k or more.
            for workspace in recordRoles.keys { recordRoles[workspace]!.subtract(withheldRoles) }
        }
        self.withheldWorkspaces = withheldWorkspaces
        self.withheldRoles = withheldRoles
        self.recordRoles = recordRoles
    }

    /// The roles a published workspace's records may carry: starting from
    /// `candidates`, the role with the fewest votes in the workspace is
    /// dropped until every class of records with the same shown roles holds
    /// zero or at least k votes. With no role shown there is one class, the
    /// workspace, which holds at least k since it is published.
    static func kAnonymousRoles(
        _ roleSets: [Set<String>: Int], candidates: Set<String>, cells: [String: Int], threshold: PrivacyThreshold
    ) -> Set<String> {
        var shown = candidates
        while true {
            var classes: [Set<String>: Int] = [:]
            for (roles, votes) in roleSets { classes[roles.intersection(shown), default: 0] += votes }
            if classes.values.allSatisfy(threshold.isSafeRemainder) { return shown }
            let smallest = shown.min { (cells[$0]!, $0) < (cells[$1]!, $1) }!
            shown.remove(smallest)
        }
    }

    /// Rule 6: the role's total minus the records carrying it.
    static func isRoleTotalSafe(
        _ role: String, roleVotes: Int, cells: [String: [String: Int]], recordRoles: [String: Set<String>],
        withheldWorkspaces: Set<String>, pool: Int, workspaceVotes: [String: Int], threshold: PrivacyThreshold
    ) -> Bool {
        let carried = recordRoles.filter { $0.value.contains(role) }.keys.reduce(0) { $0 + cells[$1]![role]! }
        let remainder = roleVotes - carried
        guard remainder > 0 else { return true }
        guard remainder >= threshold.k else { return false }
        let inPool = withheldWorkspaces.reduce(0) { $0 + (cells[$1]?[role] ?? 0) }
        let hiddenIn = recordRoles.filter { !$0.value.contains(role) && (cells[$0.key]?[role] ?? 0) > 0 }.keys
        switch (inPool > 0, hiddenIn.count) {
        case (true, 0): return threshold.isSafeRemainder(pool - remainder)
        case (false, 1): return threshold.isSafeRemainder(workspaceVotes[hiddenIn.first!]! - remainder)
        default: return true
        }
    }

    /// `PrivacyThreshold.cellsToWithhold` as first written (sorting every
    /// candidate, adding the pool up again each time round): the oracle the
    /// linear one is held to.
    static func cellsToWithhold<Cell: Comparable>(
        _ threshold: PrivacyThreshold, _ votes: [Cell: Int], alsoWithheld: Set<Cell> = []
    ) -> Set<Cell> {
        let nonEmpty = votes.filter { $0.value > 0 }
        var withheld = Set(
            nonEmpty.keys.filter { threshold.isBelow(count: nonEmpty[$0]!) || alsoWithheld.contains($0) })
        guard !withheld.isEmpty else { return [] }
        var candidates = nonEmpty.filter { !withheld.contains($0.key) }.sorted { left, right in
            left.value != right.value ? left.value < right.value : left.key < right.key
        }[...]
        func pooled() -> Int { withheld.reduce(0) { $0 + nonEmpty[$1]! } }
        while pooled() < threshold.k || withheld.count < 2, let next = candidates.popFirst() {
            withheld.insert(next.key)
        }
        return withheld
    }
}
