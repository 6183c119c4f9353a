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
/// 3. **Workspaces** under the total: `WorkspaceDisclosure` (primary and
///    complementary suppression, `PrivacyThreshold.needsComplement`, decided
///    from the workspaces' counts alone), so the total minus the shown
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
    /// Rules 1 to 3: which workspaces show their figures.
    public let workspaces: WorkspaceDisclosure
    /// Workspaces with votes whose figures are withheld; all of them when the total is.
    public let withheldWorkspaces: Set<String>
    public let withheldRoles: Set<String>
    /// The roles the records of each published workspace carry.
    public let recordRoles: [String: Set<String>]
    /// The workspaces whose figures are shown, in id order.
    public var publishedWorkspaces: [String] { recordRoles.keys.sorted() }

    /// The rule for a total by itself (the campaign list, the trend), the
    /// same as the one applied within a full disclosure.
    public static func isTotalPublished(votes: Int, isReleased: Bool, threshold: PrivacyThreshold) -> Bool {
        isReleased && votes >= threshold.k
    }

    public init(groups: [VoterGroup], threshold: PrivacyThreshold, isReleased: Bool = true) {
        let campaign = IndexedGroups(groups)
        let total = campaign.workspaceVotes.reduce(0, +)
        var roleVotes: [String: Int] = [:]
        for (role, votes) in zip(campaign.roleNames, campaign.roleVotes) { roleVotes[role] = votes }
        self.threshold = threshold
        self.totalVotes = total
        self.workspaceVotes = Dictionary(
            uniqueKeysWithValues: zip(campaign.workspaceNames, campaign.workspaceVotes))
        self.roleVotes = roleVotes
        self.isReleased = isReleased
        self.isTotalPublished = Self.isTotalPublished(votes: total, isReleased: isReleased, threshold: threshold)
        guard isTotalPublished else {
            workspaces = .totalWithheld(threshold: threshold)
            withheldWorkspaces = Set(campaign.workspaceNames)
            withheldRoles = Set(roleVotes.keys)
            recordRoles = [:]
            return
        }
        let workspaces = Self.workspaceDisclosure(campaign, threshold: threshold)
        let isWithheld = campaign.workspaces.map {
            workspaces.isWithheld(campaign.workspaceNames[$0], votes: campaign.workspaceVotes[$0])
        }
        let pool = campaign.workspaces.reduce(0) { $0 + (isWithheld[$1] ? campaign.workspaceVotes[$1] : 0) }
        self.workspaces = workspaces
        let published = campaign.workspaces.filter { !isWithheld[$0] }
        let byRuleFour = RoleDisclosure.byRuleFour(roleVotes: roleVotes, totalVotes: total, threshold: threshold)
        var isRoleWithheld = campaign.roleNames.map(byRuleFour.contains)
        // The roles each workspace's records show (indices, ascending); only published ones are read.
        var shown = [[Int]](repeating: [], count: campaign.workspaceNames.count)
        for workspace in published {
            shown[workspace] = Self.kAnonymousRoles(
                of: workspace, in: campaign, withheld: { isRoleWithheld[$0] }, threshold: threshold)
        }
        // Each role's votes in the withheld pool: the pool does not change from here on.
        var rolesInPool = [Int](repeating: 0, count: campaign.roleNames.count)
        for workspace in campaign.workspaces where isWithheld[workspace] {
            for cell in campaign.cells[workspace] { rolesInPool[cell.role] += cell.votes }
        }
        // Rule 6's roles withheld campaign-wide, from the same counts the role breakdown reads.
        var holders = [[Int]](repeating: [], count: campaign.roleNames.count)
        for workspace in published {
            for cell in campaign.cells[workspace] where holders[cell.role].count < 2 {
                holders[cell.role].append(workspace)
            }
        }
        var holdings: [String: RoleDisclosure.Holding] = [:]
        for role in campaign.roleNames.indices {
            let only = holders[role].count == 1 ? holders[role][0] : nil
            holdings[campaign.roleNames[role]] = RoleDisclosure.Holding(
                inPool: rolesInPool[role], publishedHolders: holders[role].count,
                onlyHolderHidingIt: only.flatMap { shown[$0].contains(role) ? nil : campaign.workspaceVotes[$0] })
        }
        let withheldRoles = RoleDisclosure(
            threshold: threshold, isTotalPublished: true, roleVotes: roleVotes, byRuleFour: byRuleFour, pool: pool,
            holdings: holdings
        ).withheldRoles
        isRoleWithheld = campaign.roleNames.map(withheldRoles.contains)
        // Fewer roles shown only merges a workspace's classes of records: each stays at k or more.
        for workspace in published { shown[workspace].removeAll { isRoleWithheld[$0] } }
        // Rule 6 for the records: each role still shown is taken off records until its total is
        // safe, which outside RoleDisclosure's two shapes it always becomes.
        // Each role moves only its own place on the records, so the order of roles does not matter.
        for role in campaign.roleNames.indices where !isRoleWithheld[role] {
            Self.makeRoleTotalSafe(
                role, votes: campaign.roleVotes[role], in: campaign, published: published, shown: &shown,
                inPool: rolesInPool[role], pool: pool, threshold: threshold)
        }
        // Few distinct sets: each named once and shared.
        var named: [(roles: [Int], names: Set<String>)] = []
        var recordRoles: [String: Set<String>] = [:]
        recordRoles.reserveCapacity(published.count)
        for workspace in published {
            let roles = shown[workspace]
            let names: Set<String>
            if let known = named.first(where: { $0.roles == roles }) {
                names = known.names
            } else {
                names = Set(roles.map { campaign.roleNames[$0] })
                named.append((roles, names))
            }
            recordRoles[campaign.workspaceNames[workspace]] = names
        }
        self.withheldWorkspaces = Set(campaign.workspaces.filter { isWithheld[$0] }.map { campaign.workspaceNames[$0] })
        self.withheldRoles = withheldRoles
        self.recordRoles = recordRoles
    }

    /// Rule 3 over the workspaces of a campaign whose total is published,
    /// from the same counts `WorkspaceTallyQuery` reads from the database:
    /// ties between workspaces of equal votes go to the smaller id in UTF-8
    /// byte order, as the query orders them (`COLLATE "C"`), so that every
    /// route withholds the same workspace.
    static func workspaceDisclosure(_ campaign: IndexedGroups, threshold: PrivacyThreshold) -> WorkspaceDisclosure {
        var below = (workspaces: 0, votes: 0)
        var smallest: Int?
        for workspace in campaign.workspaces {
            let votes = campaign.workspaceVotes[workspace]
            if threshold.isBelow(count: votes) {
                below.workspaces += 1
                below.votes += votes
            } else if votes > 0 {
                if let best = smallest {
                    let bestVotes = campaign.workspaceVotes[best]
                    let precedes =
                        votes < bestVotes
                        || (votes == bestVotes
                            && campaign.workspaceNames[workspace].utf8.lexicographicallyPrecedes(
                                campaign.workspaceNames[best].utf8))
                    if !precedes { continue }
                }
                smallest = workspace
            }
        }
        return WorkspaceDisclosure(
            threshold: threshold, isTotalPublished: true, belowThreshold: below,
            smallestAtThreshold: smallest.map { (campaign.workspaceNames[$0], campaign.workspaceVotes[$0]) })
    }

    /// Rule 5 for one published workspace, from its own voter groups: the
    /// roles its records may carry before rule 6, none of `withheldRoles`.
    public static func recordRoles(
        ofWorkspace groups: [VoterGroup], withheldRoles: Set<String>, threshold: PrivacyThreshold
    ) -> Set<String> {
        let workspace = IndexedGroups(groups)
        guard workspace.workspaceNames.count == 1 else { return [] }
        let shown = kAnonymousRoles(
            of: 0, in: workspace, withheld: { withheldRoles.contains(workspace.roleNames[$0]) }, threshold: threshold)
        return Set(shown.map { workspace.roleNames[$0] })
    }

    /// Rule 6 for one role not withheld, from the groups of every published
    /// workspace that holds it: the workspaces whose records give the role up
    /// although rule 5 lets them carry it, as the whole campaign's decision
    /// takes it off. `votes` is the role's total in the campaign and `inPool`
    /// its votes in the pool, whose votes are `pool`.
    public static func workspacesGivingUp(
        _ role: String, votes: Int, inPool: Int, pool: Int, holders groups: [VoterGroup],
        byRuleFour: Set<String>, withheldRoles: Set<String>, threshold: PrivacyThreshold
    ) -> Set<String> {
        let holders = IndexedGroups(groups)
        guard let index = holders.roleNames.firstIndex(of: role) else { return [] }
        let published = Array(holders.workspaces)
        var shown = published.map { workspace in
            kAnonymousRoles(
                of: workspace, in: holders, withheld: { byRuleFour.contains(holders.roleNames[$0]) },
                threshold: threshold
            ).filter { !withheldRoles.contains(holders.roleNames[$0]) }
        }
        let carriedByRuleFive = shown.map { $0.contains(index) }
        makeRoleTotalSafe(
            index, votes: votes, in: holders, published: published, shown: &shown, inPool: inPool, pool: pool,
            threshold: threshold)
        return Set(
            published.filter { carriedByRuleFive[$0] && !shown[$0].contains(index) }.map { holders.workspaceNames[$0] })
    }

    /// The roles (indices, ascending) a published workspace's records may
    /// carry: starting from the roles it holds that are not `withheld`
    /// (rule 4's, as every caller passes), the role with the fewest votes in
    /// the workspace (ties: the smallest name) is dropped until every class
    /// of records with the same shown roles holds zero or at least k votes.
    /// With no role shown there is one class, the workspace, which holds at
    /// least k since it is published.
    static func kAnonymousRoles(
        of workspace: Int, in campaign: IndexedGroups, withheld: (Int) -> Bool, threshold: PrivacyThreshold
    ) -> [Int] {
        let candidates = campaign.cells[workspace].map(\.role).filter { !withheld($0) }.sorted()
        let roleSets = campaign.roleSets[workspace]
        // One role set, or nothing to show: one class, the whole workspace.
        if roleSets.count == 1 || candidates.isEmpty { return candidates }
        var shown = candidates
        while true {
            var classes: [(roles: [Int], votes: Int)] = []
            for set in roleSets {
                let roles = set.roles.filter(shown.contains)
                if let index = classes.firstIndex(where: { $0.roles == roles }) {
                    classes[index].votes += set.votes
                } else {
                    classes.append((roles, set.votes))
                }
            }
            if classes.allSatisfy({ threshold.isSafeRemainder($0.votes) }) { return shown }
            func votes(_ role: Int) -> Int { campaign.votes(of: role, in: workspace)! }
            let smallest = shown.min {
                (votes($0), campaign.roleNames[$0]) < (votes($1), campaign.roleNames[$1])
            }!
            shown.removeAll { $0 == smallest }
        }
    }

    /// Rule 6 for one role not withheld: takes it off the records of the
    /// workspaces that carry it, smallest cell first (ties: the smallest id),
    /// until the role's total minus the records carrying it is safe. With no
    /// record carrying it the total is safe unless the role has one of the
    /// shapes `RoleDisclosure` withholds, so the loop always ends there.
    /// Each workspace is visited once per role, not once per step.
    static func makeRoleTotalSafe(
        _ role: Int, votes roleVotes: Int, in campaign: IndexedGroups, published: [Int], shown: inout [[Int]],
        inPool: Int, pool: Int, threshold: PrivacyThreshold
    ) {
        var carrying: [(workspace: Int, votes: Int)] = []
        // Published workspaces whose records hold votes of the role without showing it.
        var hiddenIn: [Int] = []
        for workspace in published {
            guard let votes = campaign.votes(of: role, in: workspace) else { continue }
            if shown[workspace].contains(role) {
                carrying.append((workspace, votes))
            } else {
                hiddenIn.append(workspace)
            }
        }
        var carried = carrying.reduce(0) { $0 + $1.votes }
        var taken = 0
        while !isRoleRemainderSafe(
            roleVotes - carried, inPool: inPool, hiddenIn: hiddenIn.count,
            votesOfOnlyHidden: hiddenIn.count == 1 ? campaign.workspaceVotes[hiddenIn[0]] : 0, pool: pool,
            threshold: threshold)
        {
            guard taken < carrying.count else {
                // Every record has given the role up already: its records show it nowhere.
                assertionFailure("\(campaign.roleNames[role]) has a shape RoleDisclosure does not withhold")
                return
            }
            // Sorted only when a record must give the role up: usually the first check passes.
            if taken == 0 {
                carrying.sort {
                    ($0.votes, campaign.workspaceNames[$0.workspace])
                        < ($1.votes, campaign.workspaceNames[$1.workspace])
                }
            }
            let smallest = carrying[taken]
            taken += 1
            shown[smallest.workspace].removeAll { $0 == role }
            carried -= smallest.votes
            hiddenIn.append(smallest.workspace)
        }
    }

    /// Rule 6's test: `remainder`, the role's votes that no record shows, is
    /// zero or at least k, and what it leaves of the one source it hides in
    /// (the pool, or the one published workspace whose records hide it) is
    /// zero or at least k too.
    static func isRoleRemainderSafe(
        _ remainder: Int, inPool: Int, hiddenIn: Int, votesOfOnlyHidden: Int, pool: Int, threshold: PrivacyThreshold
    ) -> Bool {
        guard remainder > 0 else { return true }
        guard remainder >= threshold.k else { return false }
        switch (inPool > 0, hiddenIn) {
        case (true, 0): return threshold.isSafeRemainder(pool - remainder)
        case (false, 1): return threshold.isSafeRemainder(votesOfOnlyHidden - remainder)
        default: return true
        }
    }

    /// A workspace this disclosure did not count is withheld too: a figure
    /// read outside its snapshot is never shown by default.
    public func isWorkspaceWithheld(_ workspaceID: String) -> Bool {
        workspaceVotes[workspaceID] == nil || withheldWorkspaces.contains(workspaceID)
    }

    public func isRoleWithheld(_ role: String) -> Bool {
        withheldRoles.contains(role)
    }

    /// Whether the vote list (and its export, and the dashboard's comments) lists any record.
    public var listsRecords: Bool { isTotalPublished }

    /// The attributes a listed vote of `workspaceID` with `roles` carries.
    public func record(workspaceID: String, roles: [String]) -> DisclosedRecord {
        DisclosedRecord(workspaceID: workspaceID, roles: roles, shownRoles: recordRoles[workspaceID])
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

    /// A vote of `workspaceID` with `roles`, where the records of that
    /// workspace carry `shownRoles`; nil for a workspace that is not
    /// published, whose records carry no workspace, role or time.
    public init(workspaceID: String, roles: [String], shownRoles: Set<String>?) {
        guard let shownRoles else {
            self.init(workspaceID: nil, roles: [], showsTime: false)
            return
        }
        self.init(workspaceID: workspaceID, roles: roles.filter(shownRoles.contains), showsTime: true)
    }
}

/// A campaign's voter groups over dense indices, each workspace and role
/// named once: the privacy rule looks every workspace up several times per
/// role, which hashing ids made the bulk of its time at 100,000 workspaces.
struct IndexedGroups {
    struct RoleSet {
        /// Role indices, ascending.
        var roles: [Int]
        var votes: Int
    }

    struct Cell {
        var role: Int
        var votes: Int
    }

    var workspaceNames: [String] = []
    var roleNames: [String] = []
    /// Per workspace: its distinct role sets with their votes.
    var roleSets: [[RoleSet]] = []
    /// Per workspace: its votes per role (a vote counts once in each of its roles).
    var cells: [[Cell]] = []
    var workspaceVotes: [Int] = []
    var roleVotes: [Int] = []

    var workspaces: Range<Int> { workspaceNames.indices }

    init(_ groups: [VoterGroup]) {
        var workspaceIndex: [String: Int] = [:]
        workspaceIndex.reserveCapacity(groups.count)
        var roleIndex: [String: Int] = [:]
        var indexedSets: [Set<String>: [Int]] = [:]
        for group in groups where group.votes > 0 {
            let workspace: Int
            if let known = workspaceIndex[group.workspaceID] {
                workspace = known
            } else {
                workspace = workspaceNames.count
                workspaceIndex[group.workspaceID] = workspace
                workspaceNames.append(group.workspaceID)
                roleSets.append([])
                cells.append([])
                workspaceVotes.append(0)
            }
            let roles: [Int]
            if let known = indexedSets[group.roles] {
                roles = known
            } else {
                roles = group.roles.map { role in
                    if let known = roleIndex[role] { return known }
                    roleIndex[role] = roleNames.count
                    roleNames.append(role)
                    roleVotes.append(0)
                    return roleNames.count - 1
                }.sorted()
                indexedSets[group.roles] = roles
            }
            if let index = roleSets[workspace].firstIndex(where: { $0.roles == roles }) {
                roleSets[workspace][index].votes += group.votes
            } else {
                roleSets[workspace].append(RoleSet(roles: roles, votes: group.votes))
            }
            workspaceVotes[workspace] += group.votes
            for role in roles {
                roleVotes[role] += group.votes
                if let index = cells[workspace].firstIndex(where: { $0.role == role }) {
                    cells[workspace][index].votes += group.votes
                } else {
                    cells[workspace].append(Cell(role: role, votes: group.votes))
                }
            }
        }
    }

    /// The workspace's votes with `role`; nil when it has none.
    func votes(of role: Int, in workspace: Int) -> Int? {
        cells[workspace].first { $0.role == role }?.votes
    }
}
