import NPSDomain
import Testing

private func group(_ workspace: String, _ roles: Set<String>, _ votes: Int) -> VoterGroup {
    VoterGroup(workspaceID: workspace, roles: roles, votes: votes)
}

/// The privacy rule on hand-made campaigns, with the answers worked out here.
@Suite("Disclosure: what an analyst may see of a campaign")
struct DisclosureTests {
    /// Issue 16, k = 5: A 1 vote, B 1 vote, D 20 (19 users and its only
    /// admin), E 6, all admins. 28 votes.
    static let issueScenario = [
        group("A", ["user"], 1), group("B", ["user"], 1), group("D", ["user"], 19), group("D", ["admin"], 1),
        group("E", ["admin"], 6),
    ]

    @Test("issue 16: A and B withheld with E (8 votes), D shown; no record carries a role; admin shown as a total")
    func issueScenario() {
        let disclosure = Disclosure(groups: Self.issueScenario, threshold: PrivacyThreshold(k: 5))
        #expect(disclosure.totalVotes == 28 && disclosure.isTotalPublished)
        // A and B hold 2 together: E (6), the smallest shown, joins them; the pool holds 8.
        #expect(disclosure.withheldWorkspaces == ["A", "B", "E"])
        #expect(!disclosure.isWorkspaceWithheld("D"))
        // user 21 (28 − 21 = 7 without it), admin 7 (21 without it): both published.
        #expect(disclosure.roleVotes == ["user": 21, "admin": 7] && disclosure.withheldRoles.isEmpty)
        // D's records cannot carry admin (a group of 1) nor user (its one non-user would stand out).
        #expect(disclosure.recordRoles == ["D": []])
        #expect(
            disclosure.record(workspaceID: "D", roles: ["admin"])
                == DisclosedRecord(workspaceID: "D", roles: [], showsTime: true))
        #expect(
            disclosure.record(workspaceID: "E", roles: ["admin"])
                == DisclosedRecord(workspaceID: nil, roles: [], showsTime: false))
        #expect(disclosure.listsRecords)
    }

    @Test("a role shown on a workspace's records only when every class of its records holds k")
    func recordRoles() {
        // W: 10 users, 6 user+admin; V: 12 users. k = 5.
        let disclosure = Disclosure(
            groups: [group("W", ["user"], 10), group("W", ["user", "admin"], 6), group("V", ["user"], 12)],
            threshold: PrivacyThreshold(k: 5))
        #expect(disclosure.withheldWorkspaces.isEmpty)
        // admin (6) leaves 22 without it; user is every vote (28 − 28 = 0): both published.
        #expect(disclosure.withheldRoles.isEmpty)
        // W: {user} 10, {user, admin} 6; V: {user} 12.
        #expect(disclosure.recordRoles == ["W": ["user", "admin"], "V": ["user"]])
        #expect(disclosure.record(workspaceID: "W", roles: ["admin", "user"]).roles == ["admin", "user"])
    }

    @Test("a role total minus the records carrying it never leaves fewer than k")
    func roleTotals() {
        // V's records carry no role ({admin} would be 2, {} 2 without user). admin − W's admin
        // records would be V's two admins: W's records drop admin. Then user (22) − W's 10 user
        // records would be V's 12 users, and V's 14 records minus them its 2 admins: W's records
        // drop user too. Both roles are still published as totals (8 and 22 votes).
        let disclosure = Disclosure(
            groups: [
                group("W", ["user"], 10), group("W", ["admin"], 6), group("V", ["user"], 12),
                group("V", ["admin"], 2),
            ],
            threshold: PrivacyThreshold(k: 5))
        #expect(disclosure.withheldRoles.isEmpty && disclosure.withheldWorkspaces.isEmpty)
        #expect(disclosure.recordRoles == ["W": [], "V": []])
    }

    @Test("a role whose complement is under k is withheld; under k votes in all, nothing but counts")
    func complementsAndSmallTotals() {
        let disclosure = Disclosure(
            groups: [group("W", ["user"], 9), group("W", [], 2), group("V", ["user"], 8)],
            threshold: PrivacyThreshold(k: 5))
        // user: 17 of 19, so the total minus user would be the 2 votes without a role.
        #expect(disclosure.isRoleWithheld("user"))
        let small = Disclosure(groups: [group("W", ["user"], 4)], threshold: PrivacyThreshold(k: 5))
        #expect(!small.isTotalPublished && !small.listsRecords)
        #expect(small.isWorkspaceWithheld("W") && small.isRoleWithheld("user"))
    }

    @Test("a campaign not released shows counts only, whatever its size")
    func notReleased() {
        let disclosure = Disclosure(
            groups: [group("W", ["user"], 50), group("V", ["user"], 50)], threshold: PrivacyThreshold(k: 5),
            isReleased: false)
        #expect(!disclosure.isTotalPublished && !disclosure.listsRecords)
        #expect(disclosure.withheldWorkspaces == ["W", "V"] && disclosure.totalVotes == 100)
    }
}
