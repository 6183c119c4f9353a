import NPSDomain

/// Everything an analyst can read about one campaign, from any route,
/// reduced to what a subtraction needs: which groups' figures are shown,
/// and the attributes of every listed record (mapped back to the fleet's
/// vote by the test, which knows the truth; the analyst does not).
public struct AnalystView: Sendable {
    public struct Group: Sendable {
        public var votes: Int
        public var isPublished: Bool
        public init(votes: Int, isPublished: Bool) {
            self.votes = votes
            self.isPublished = isPublished
        }
    }

    public struct Record: Sendable {
        public var voteNumber: Int
        public var workspaceID: String?
        public var roles: Set<String>
        public var showsTime: Bool
        public init(voteNumber: Int, workspaceID: String?, roles: Set<String>, showsTime: Bool) {
            self.voteNumber = voteNumber
            self.workspaceID = workspaceID
            self.roles = roles
            self.showsTime = showsTime
        }
    }

    /// A published segment row (`breakdown?by=` a profile dimension): its
    /// votes, and the workspaces that had its value, which an analyst may
    /// know from the workspaces' own descriptions (the worst case: all of them).
    public struct Segment: Sendable {
        public var votes: Int
        public var members: Set<String>
        public init(votes: Int, members: Set<String>) {
            self.votes = votes
            self.members = members
        }
    }

    public var total: Group
    public var workspaces: [String: Group]
    public var roles: [String: Group]
    public var records: [Record]
    /// Keyed by dimension and value (`version=6.1`).
    public var segments: [String: Segment]

    public init(
        total: Group, workspaces: [String: Group], roles: [String: Group], records: [Record],
        segments: [String: Segment] = [:]
    ) {
        self.total = total
        self.workspaces = workspaces
        self.roles = roles
        self.records = records
        self.segments = segments
    }

    /// The view the privacy layer's rule gives, without any route in between.
    public init(_ disclosure: Disclosure, fleet: PrivacyFleet) {
        total = Group(votes: disclosure.totalVotes, isPublished: disclosure.isTotalPublished)
        workspaces = disclosure.workspaceVotes.mapValues { Group(votes: $0, isPublished: false) }
        for workspace in workspaces.keys {
            workspaces[workspace]!.isPublished = !disclosure.isWorkspaceWithheld(workspace)
        }
        roles = disclosure.roleVotes.mapValues { Group(votes: $0, isPublished: false) }
        for role in roles.keys { roles[role]!.isPublished = !disclosure.isRoleWithheld(role) }
        segments = [:]
        records =
            disclosure.listsRecords
            ? fleet.votes.map { vote in
                let shown = disclosure.record(workspaceID: vote.workspaceID, roles: vote.roles.sorted())
                return Record(
                    voteNumber: vote.number, workspaceID: shown.workspaceID, roles: Set(shown.roles),
                    showsTime: shown.showsTime)
            } : []
    }
}

/// Tries every subtraction an analyst can make from an `AnalystView` and
/// reports each one that isolates a group of fewer than k votes (more than
/// none), and each figure that does not add up. The truth (`fleet`) is used
/// only to measure what a subtraction leaves, never to decide what to try.
public struct PrivacyAttacker {
    public let fleet: PrivacyFleet
    public let view: AnalystView
    public var k: Int { fleet.k }

    public init(fleet: PrivacyFleet, view: AnalystView) {
        self.fleet = fleet
        self.view = view
    }

    func isSafe(_ count: Int) -> Bool { count == 0 || count >= k }

    /// Every breach found; empty when the view keeps the promise.
    public func breaches() -> [String] {
        var found: [String] = []
        func check(_ isSafe: Bool, _ what: @autoclosure () -> String) {
            if !isSafe { found.append("\(fleet): \(what())") }
        }
        let votes = Dictionary(uniqueKeysWithValues: fleet.votes.map { ($0.number, $0) })
        let listed = Dictionary(uniqueKeysWithValues: view.records.map { ($0.voteNumber, $0) })

        // Primary suppression: every published group holds at least k votes.
        check(!view.total.isPublished || view.total.votes >= k, "the total is published under k")
        for (name, group) in view.workspaces where group.isPublished {
            check(group.votes >= k && view.total.isPublished, "workspace \(name) published with \(group.votes)")
        }
        for (name, group) in view.roles where group.isPublished {
            check(group.votes >= k && view.total.isPublished, "role \(name) published with \(group.votes)")
        }

        guard view.total.isPublished else {
            check(view.records.isEmpty, "records listed under a withheld total")
            return found
        }
        // Never dropped: list and summary add up.
        check(listed.count == fleet.votes.count, "\(listed.count) records listed of \(fleet.votes.count) votes")

        // The total minus the published workspaces' figures, and minus the records carrying a workspace.
        let unpublished = fleet.votes.filter { view.workspaces[$0.workspaceID]?.isPublished != true }
        let unpublishedWorkspaces = Set(unpublished.map(\.workspaceID))
        check(isSafe(unpublished.count), "total − published workspaces leaves \(unpublished.count) votes")
        check(unpublishedWorkspaces.count != 1, "total − published workspaces is one workspace")
        let pool = view.records.filter { $0.workspaceID == nil }
        check(isSafe(pool.count), "total − records with a workspace leaves \(pool.count) votes")
        check(
            Set(pool.compactMap { votes[$0.voteNumber]?.workspaceID }).count != 1,
            "the records without a workspace are one workspace's")
        for record in view.records {
            let truth = votes[record.voteNumber]!
            check(
                record.workspaceID == nil || view.workspaces[truth.workspaceID]?.isPublished == true,
                "a record names unpublished workspace \(truth.workspaceID)")
            check(record.workspaceID != nil || !record.showsTime, "a record without a workspace shows its time")
            check(record.roles.isSubset(of: truth.roles), "a record shows a role it does not hold")
        }

        // A segment minus the published workspaces that had its value: the withheld ones in it.
        for (name, segment) in view.segments {
            let inside = segment.members.filter { view.workspaces[$0]?.isPublished == true }
            let left = segment.votes - inside.reduce(0) { $0 + (view.workspaces[$1]?.votes ?? 0) }
            check(isSafe(left), "segment \(name) − its published workspaces leaves \(left) votes")
            let hidden = segment.members.filter { (view.workspaces[$0]?.votes ?? 0) > 0 && !inside.contains($0) }
            check(left == 0 || hidden.count != 1, "segment \(name) − its published workspaces is one workspace")
        }

        // The total minus a published role: the votes without it.
        for (role, group) in view.roles where group.isPublished {
            check(
                isSafe(view.total.votes - group.votes), "total − role \(role) leaves \(view.total.votes - group.votes)")
        }

        // A published role minus the records carrying it; and, when what is left lies in one
        // source the analyst can see (the pool, or one workspace's records), that source minus it.
        for (role, group) in view.roles where group.isPublished {
            let left = fleet.votes.filter { $0.roles.contains(role) && listed[$0.number]?.roles.contains(role) != true }
            check(isSafe(left.count), "role \(role) − records carrying it leaves \(left.count)")
            let sources = Set(left.map { listed[$0.number]?.workspaceID ?? "" })
            if left.count > 0, sources.count == 1, let source = sources.first {
                let sourceRecords = view.records.filter { ($0.workspaceID ?? "") == source }
                let rest = sourceRecords.count - left.count
                check(isSafe(rest), "role \(role): source '\(source)' − the rest of the role leaves \(rest)")
            }
        }

        // Cells implied by single records: records with the same attributes form groups of k or more.
        var classes: [String: Int] = [:]
        for record in view.records {
            classes["\(record.workspaceID ?? "-")|\(record.roles.sorted())", default: 0] += 1
        }
        for (attributes, size) in classes { check(isSafe(size), "records \(attributes) are a group of \(size)") }
        // And a workspace's records minus those carrying a role: the ones without it.
        for (workspace, group) in view.workspaces where group.isPublished {
            let own = view.records.filter { $0.workspaceID == workspace }
            for role in Set(own.flatMap(\.roles)) {
                let without = own.filter { !$0.roles.contains(role) }.count
                check(isSafe(without), "workspace \(workspace) − its \(role) records leaves \(without)")
            }
        }
        return found
    }
}
