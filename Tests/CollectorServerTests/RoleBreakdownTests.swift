import CollectorServer
import HTTPTypes
import Ingest
import NPSDomain
import Projections
import TestSupport
import Testing

/// The role breakdown decides rules 4 and 6 from per-role counts read in the
/// database (`RoleHoldingQuery`), not from every voter group: it must
/// withhold exactly the roles `Disclosure` withholds, in the two shapes in
/// which rule 6 withholds a role campaign-wide (k = 5).
@Suite("Role breakdown from counts", .timeLimit(.minutes(3)))
struct RoleBreakdownTests {
    struct Fleet {
        var name: String
        /// Per workspace, its votes' role sets.
        var votes: [String: [[String]]]
        var withheld: Set<String>
    }

    static let fleets = [
        // bot only in the pool (a: 2 bots and a user; b: 3 bots), which holds 6: the pool minus
        // the bots is one vote. bot is withheld, and user with it (a withheld role needs another).
        Fleet(
            name: "a role only in the pool",
            votes: [
                "a": [["bot"], ["bot"], ["user"]], "b": [["bot"], ["bot"], ["bot"]],
                "c": Array(repeating: ["user"], count: 10), "d": Array(repeating: ["user"], count: 10),
            ],
            withheld: ["bot", "user"]),
        // admin held by c alone, whose records cannot show it (5 admins, 3 users: rule 5 shows
        // neither); c minus its admins is 3 votes.
        Fleet(
            name: "a role hidden in its only published holder",
            votes: [
                "c": Array(repeating: ["admin"], count: 5) + Array(repeating: ["user"], count: 3),
                "d": Array(repeating: ["user"], count: 10),
            ],
            withheld: ["admin", "user"]),
        // The same campaign with a second workspace holding admin: nothing is withheld.
        Fleet(
            name: "a role held by two published workspaces",
            votes: [
                "c": Array(repeating: ["admin"], count: 5) + Array(repeating: ["user"], count: 3),
                "d": Array(repeating: ["user"], count: 10) + Array(repeating: ["admin"], count: 5),
            ],
            withheld: []),
    ]

    @Test("rule 6's two shapes, and neither, through the router", arguments: fleets.indices)
    func withheldAsTheRuleSays(_ index: Int) async throws {
        let fleet = Self.fleets[index]
        try await Collector.with(workspaces: fleet.votes.keys.sorted(), privacy: PrivacyThreshold(k: 5)) {
            collector in
            let analyst = try await collector.services.tokens.create(scope: .analyst).token
            try await collector.campaign("c1")
            var number = 0
            var groups: [VoterGroup] = []
            for (workspace, votes) in fleet.votes.sorted(by: { $0.key < $1.key }) {
                let items = votes.map { roles in
                    number += 1
                    return Votes.item(number, score: number % 11, roles: roles)
                }
                try await collector.expectUpload("c1", workspace, accepted: items.count, items, total: items.count)
                groups += votes.map { VoterGroup(workspaceID: workspace, roles: Set($0), votes: 1) }
            }
            try await ProjectionCatchUp.untilCurrent(collector.database)
            let rule = Disclosure(groups: groups, threshold: PrivacyThreshold(k: 5))
            #expect(rule.withheldRoles == fleet.withheld, "\(fleet.name): the rule itself")
            let answer = try await collector.request(.get, "/api/v1/campaigns/c1/breakdown?by=role", token: analyst)
            #expect(answer.status == .ok)
            var withheld: Set<String> = []
            for row in answer.json["rows"]?.arrayValue ?? [] where row["withheld"] == true {
                withheld.insert(row["role"]?.stringValue ?? "?")
            }
            #expect(withheld == fleet.withheld, "\(fleet.name): \(answer.body)")
        }
    }
}
