/// The votes of one workspace in one campaign that carry exactly one set of
/// roles: the finest group the privacy rule looks at. Every figure and every
/// record attribute an analyst can see is a union of such groups.
public struct VoterGroup: Sendable, Hashable {
    public var workspaceID: String
    public var roles: Set<String>
    public var votes: Int

    public init(workspaceID: String, roles: Set<String>, votes: Int) {
        self.workspaceID = workspaceID
        self.roles = roles
        self.votes = votes
    }
}

/// What an analyst may see of one campaign: the one statement of the
/// privacy rule, which every analyst-facing route (JSON, CSV, dashboard,
/// compare, trend) asks, computed from the campaign's `VoterGroup`s read in
/// the same snapshot as the figures it governs. The rules, each with the
/// subtraction it stops (docs/privacy.md states them for an auditor):
///
/// 1. **Release.** A campaign not yet released (`PublicationPolicy`) shows
///    counts only. Differencing two answers over time cannot then attribute
///    a change to the workspace whose count moved.
/// 2. **The total.** Fewer than k votes: counts only, and no record is
///    listed (the records would be the withheld distribution).
/// 3. **Workspaces** under the total: `PrivacyThreshold.cellsToWithhold`
///    (primary and complementary suppression), so the total minus the shown
///    workspaces (and minus the records that carry a workspace) is a pool of
///    at least two workspaces and at least k votes.
/// 4. **Roles** under the total: the same rule, and a role whose complement
///    (the votes without it) holds fewer than k votes is withheld too, since
///    the total minus the role would be that complement.
/// 5. **Records.** A listed vote carries its workspace only when the
///    workspace is published, and its time only then (times would split the
///    pool by upload). Votes of withheld workspaces (the pool) carry no role.
///    In a published workspace, the roles its records carry are chosen so
///    that the records with the same shown roles are zero or at least k
///    (k-anonymity: a record's attributes never single out a group under k,
///    such as a workspace's only admin or its only non-user).
/// 6. **Role totals.** A published role's total minus the records that carry
///    it leaves zero votes or at least k, and when those come from one source
///    (the pool, or one workspace whose records do not carry the role), that
///    source minus them holds zero or at least k as well. Otherwise the role
///    is taken off the records of more workspaces, smallest first, or
///    withheld campaign-wide.
///
/// A record is never dropped while the total is shown: list and summary add up.
public struct Disclosure: Sendable, Equatable {
    public let threshold: PrivacyThreshold
    public let totalVotes: Int
    public let workspaceVotes: [String: Int]
    /// A vote counts once in each of its roles.
    public let roleVotes: [String: Int]
    public let isReleased: Bool
    public let isTotalPublished: Bool
    /// Workspaces with votes whose figures are withheld; all of them when the total is.
    public let withheldWorkspaces: Set<String>
    public let withheldRoles: Set<String>
    /// The roles the records of each published workspace carry.
    public let recordRoles: [String: Set<String>]

    /// The rule for a total by itself (the campaign list, the trend), the
    /// same as the one applied within a full disclosure.
    public static func isTotalPublished(votes: Int, isReleased: Bool, threshold: PrivacyThreshold) -> Bool {
        isReleased && votes >= threshold.k
    }

    public init(groups: [VoterGroup], threshold: PrivacyThreshold, isReleased: Bool = true) {
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
        let withheldWorkspaces = threshold.cellsToWithhold(workspaceVotes)
        let pool = withheldWorkspaces.reduce(0) { $0 + workspaceVotes[$1]! }
        let smallComplements = Set(roleVotes.filter { !threshold.isSafeRemainder(total - $0.value) }.keys)
        var withheldRoles = threshold.cellsToWithhold(roleVotes, alsoWithheld: smallComplements)
        var recordRoles: [String: Set<String>] = [:]
        for (workspace, roleSets) in byWorkspace where !withheldWorkspaces.contains(workspace) {
            recordRoles[workspace] = Self.kAnonymousRoles(
                roleSets, candidates: Set(cells[workspace, default: [:]].keys).subtracting(withheldRoles),
                cells: cells[workspace, default: [:]], threshold: threshold)
        }
        while true {
            var newlyWithheld: Set<String> = []
            for role in roleVotes.keys.sorted() where !withheldRoles.contains(role) {
                let isSafe = Self.makeRoleTotalSafe(
                    role, roleVotes: roleVotes[role]!, cells: cells, recordRoles: &recordRoles,
                    withheldWorkspaces: withheldWorkspaces, pool: pool, workspaceVotes: workspaceVotes,
                    threshold: threshold)
                if !isSafe { newlyWithheld.insert(role) }
            }
            if newlyWithheld.isEmpty { break }
            withheldRoles = threshold.cellsToWithhold(roleVotes, alsoWithheld: withheldRoles.union(newlyWithheld))
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

    /// Rule 6 for one role: takes it off the records of the workspaces that
    /// carry it, smallest cell first (ties: the smallest id), until the role's
    /// total minus the records carrying it is safe. False when it is not even
    /// with no record carrying it: the role is then withheld campaign-wide.
    /// Each workspace is visited once per role, not once per step, so that a
    /// campaign of 100,000 workspaces is decided in one pass.
    static func makeRoleTotalSafe(
        _ role: String, roleVotes: Int, cells: [String: [String: Int]], recordRoles: inout [String: Set<String>],
        withheldWorkspaces: Set<String>, pool: Int, workspaceVotes: [String: Int], threshold: PrivacyThreshold
    ) -> Bool {
        var carrying: [(workspace: String, votes: Int)] = []
        // Published workspaces whose records hold votes of the role without showing it.
        var hiddenIn: [String] = []
        for (workspace, shown) in recordRoles {
            guard let votes = cells[workspace]?[role], votes > 0 else { continue }
            if shown.contains(role) { carrying.append((workspace, votes)) } else { hiddenIn.append(workspace) }
        }
        carrying.sort { $0.votes != $1.votes ? $0.votes < $1.votes : $0.workspace < $1.workspace }
        var carried = carrying.reduce(0) { $0 + $1.votes }
        let inPool = withheldWorkspaces.reduce(0) { $0 + (cells[$1]?[role] ?? 0) }
        var taken = 0
        while !isRoleRemainderSafe(
            roleVotes - carried, inPool: inPool, hiddenIn: hiddenIn, pool: pool, workspaceVotes: workspaceVotes,
            threshold: threshold)
        {
            guard taken < carrying.count else { return false }
            let smallest = carrying[taken]
            taken += 1
            recordRoles[smallest.workspace]!.remove(role)
            carried -= smallest.votes
            hiddenIn.append(smallest.workspace)
        }
        return true
    }

    /// Rule 6's test: `remainder`, the role's votes that no record shows, is
    /// zero or at least k, and what it leaves of the one source it hides in
    /// (the pool, or a single workspace) is zero or at least k too.
    static func isRoleRemainderSafe(
        _ remainder: Int, inPool: Int, hiddenIn: [String], pool: Int, workspaceVotes: [String: Int],
        threshold: PrivacyThreshold
    ) -> Bool {
        guard remainder > 0 else { return true }
        guard remainder >= threshold.k else { return false }
        switch (inPool > 0, hiddenIn.count) {
        case (true, 0): return threshold.isSafeRemainder(pool - remainder)
        case (false, 1): return threshold.isSafeRemainder(workspaceVotes[hiddenIn[0]]! - remainder)
        default: return true
        }
    }

    /// A workspace this disclosure did not count is withheld too: a figure
    /// read outside its snapshot is never shown by default.
    public func isWorkspaceWithheld(_ workspaceID: String) -> Bool {
        workspaceVotes[workspaceID] == nil || withheldWorkspaces.contains(workspaceID)
    }

    /// The workspaces whose figures are shown.
    public var publishedWorkspaces: Set<String> {
        Set(workspaceVotes.keys).subtracting(withheldWorkspaces)
    }

    public func isRoleWithheld(_ role: String) -> Bool {
        withheldRoles.contains(role)
    }

    /// Whether the vote list (and its export, and the dashboard's comments) lists any record.
    public var listsRecords: Bool { isTotalPublished }

    /// The attributes a listed vote of `workspaceID` with `roles` carries.
    public func record(workspaceID: String, roles: [String]) -> DisclosedRecord {
        guard let shownRoles = recordRoles[workspaceID] else {
            return DisclosedRecord(workspaceID: nil, roles: [], showsTime: false)
        }
        return DisclosedRecord(workspaceID: workspaceID, roles: roles.filter(shownRoles.contains), showsTime: true)
    }
}

/// The attributes of one listed vote after the rule: nil or empty is blank.
public struct DisclosedRecord: Sendable, Equatable {
    public var workspaceID: String?
    public var roles: [String]
    public var showsTime: Bool

    public init(workspaceID: String?, roles: [String], showsTime: Bool) {
        self.workspaceID = workspaceID
        self.roles = roles
        self.showsTime = showsTime
    }
}
