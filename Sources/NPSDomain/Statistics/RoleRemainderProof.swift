/// Proves, without every voter group of a campaign, that rule 6 of
/// `Disclosure` takes no role off any record, or names the roles it cannot
/// prove safe. For a role proven safe, the records of a published workspace
/// carry it as rule 5 decides for that workspace alone
/// (`Disclosure.recordRoles(ofWorkspace:)`), so a page of the vote list
/// needs its own workspaces' groups for it and nothing else.
///
/// Rule 6 takes a role off records when the role's remainder, its votes that
/// no record shows, is unsafe (`Disclosure.isRoleRemainderSafe`). Those votes
/// sit in the pool and in published workspaces whose records hide the role by
/// rule 5. The remainder is safe once it holds k votes or more in two sources
/// or more (the pool is one source, each hiding workspace one), and every
/// hiding workspace found adds to both. So the proof starts from each role's
/// votes in the pool and takes in published workspaces one at a time, until
/// every role is safe. Only a workspace with a voter group of 1 to k − 1
/// votes can hide a role: when every group holds k or more, so does every
/// class of its records, and rule 5 shows every role it may. Once all such
/// workspaces are taken in, the remainders are exact, and the verdict is
/// `Disclosure`'s own test (`rolesTakenOffRecords`).
///
/// A role with k votes or more in the pool, whose pool minus it is none or
/// k or more, is safe whatever the published workspaces hide: with no
/// hiding workspace its remainder is the pool's share, and with one or more
/// it has two sources.
public struct RoleRemainderProof: Sendable {
    struct Remainder: Sendable {
        var votes: Int
        var inPool: Int
        var hidden = 0
        var hidingWorkspaces = 0
        /// The votes of the first hiding workspace found: `Disclosure`'s test needs the only one's.
        var firstHidingWorkspaceVotes = 0
    }

    public let threshold: PrivacyThreshold
    /// Rule 5's roles are chosen among those rule 4 leaves, as in `Disclosure`.
    let byRuleFour: Set<String>
    let pool: Int
    /// The roles not yet proven safe.
    private(set) var open: [String: Remainder] = [:]
    /// How many workspaces taken in hid a role not yet proven safe: what the proof has learnt.
    public private(set) var hidingWorkspaces = 0

    /// - Parameters:
    ///   - roleVotes: each role's current votes.
    ///   - withheldRoles: `RoleDisclosure`'s decision; no record carries these.
    ///   - inPool: each role's votes in the withheld workspaces.
    ///   - pool: the withheld workspaces' votes.
    public init(
        threshold: PrivacyThreshold, roleVotes: [String: Int], withheldRoles: Set<String>, byRuleFour: Set<String>,
        inPool: [String: Int], pool: Int
    ) {
        self.threshold = threshold
        self.byRuleFour = byRuleFour
        self.pool = pool
        for (role, votes) in roleVotes where votes > 0 && !withheldRoles.contains(role) {
            let pooled = inPool[role, default: 0]
            if pooled >= threshold.k && threshold.isSafeRemainder(pool - pooled) { continue }
            open[role] = Remainder(votes: votes, inPool: pooled)
        }
    }

    /// Whether every role is proven safe: rule 6 takes no role off any record.
    public var isProven: Bool { open.isEmpty }

    /// Takes in one published workspace's groups. Each workspace at most once;
    /// one without a group of 1 to k − 1 votes hides nothing and may be left out.
    public mutating func takeIn(workspace groups: [VoterGroup]) {
        guard !open.isEmpty else { return }
        let counted = groups.filter { $0.votes > 0 }
        let shown = Disclosure.recordRoles(ofWorkspace: counted, withheldRoles: byRuleFour, threshold: threshold)
        let workspaceVotes = counted.reduce(0) { $0 + $1.votes }
        var hiddenVotes: [String: Int] = [:]
        for group in counted {
            for role in group.roles where !shown.contains(role) && open[role] != nil {
                hiddenVotes[role, default: 0] += group.votes
            }
        }
        if !hiddenVotes.isEmpty { hidingWorkspaces += 1 }
        for (role, votes) in hiddenVotes {
            guard var remainder = open[role] else { continue }
            remainder.hidden += votes
            remainder.hidingWorkspaces += 1
            if remainder.hidingWorkspaces == 1 { remainder.firstHidingWorkspaceVotes = workspaceVotes }
            let sources = (remainder.inPool > 0 ? 1 : 0) + remainder.hidingWorkspaces
            if sources >= 2 && remainder.inPool + remainder.hidden >= threshold.k {
                open[role] = nil
            } else {
                open[role] = remainder
            }
        }
    }

    /// Takes in which roles any published workspace could hide: those of
    /// the groups whose workspace holds another role set. A workspace of one
    /// role set shows every role it may (rule 5 drops none), so a role
    /// outside `roles` is hidden nowhere but in the pool, its remainder is
    /// exact already, and `Disclosure`'s own test settles it.
    public mutating func takeIn(rolesThatCanBeHidden roles: Set<String>) {
        for (role, remainder) in open where !roles.contains(role) && !isTakenOffRecords(remainder) {
            open[role] = nil
        }
    }

    /// The roles not yet proven safe.
    public var openRoles: [String] { open.keys.sorted() }

    /// Once every published workspace with a group of 1 to k − 1 votes has been
    /// taken in: the roles rule 6 takes off some records, those whose
    /// remainder is unsafe while some record carries them
    /// (`Disclosure.workspacesGivingUp` says whose).
    public var rolesTakenOffRecords: Set<String> {
        Set(open.filter { isTakenOffRecords($0.value) }.keys)
    }

    /// `Disclosure`'s test on a remainder known to be exact: some record
    /// carries the role and what none shows is unsafe.
    private func isTakenOffRecords(_ remainder: Remainder) -> Bool {
        let unshown = remainder.inPool + remainder.hidden
        return unshown != remainder.votes
            && !Disclosure.isRoleRemainderSafe(
                unshown, inPool: remainder.inPool, hiddenIn: remainder.hidingWorkspaces,
                votesOfOnlyHidden: remainder.hidingWorkspaces == 1 ? remainder.firstHidingWorkspaceVotes : 0,
                pool: pool, threshold: threshold)
    }
}
