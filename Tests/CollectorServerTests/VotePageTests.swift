import CollectorServer
import HTTPTypes
import Ingest
import NPSDomain
import TestSupport
import Testing

@testable import Projections

/// A page of the vote list decides its records' roles from its own
/// workspaces' groups: rule 6 from counts where they prove it takes no role
/// off any record (`RoleRemainderProof`), from the holders' groups of each
/// role they leave open, and from the whole campaign when too many
/// workspaces hold such a role. Every record shows what `Disclosure`
/// decides (k = 5).
@Suite("Vote page decided from its own workspaces", .timeLimit(.minutes(3)))
struct VotePageTests {
    struct Fleet {
        var name: String
        /// Per workspace, its votes' role sets.
        var votes: [String: [[String]]]
        /// The workspaces whose records give a role up (rule 6), by role.
        var givingUp: [String: Set<String>]
        /// Decided from counts alone: no workspace that can hide a role read, no holder's groups.
        var fromCounts = false
    }

    static func repeated(_ roles: [String], _ count: Int) -> [[String]] { Array(repeating: roles, count: count) }

    static let fleets = [
        // p and q are the pool (3 votes each). c's records cannot show admin (its 2 admins would
        // stand out), so admin's remainder is c's 2 votes: rule 6 takes admin off a's records too
        // (the smaller of a and b), decided from the groups of admin's holders.
        Fleet(
            name: "rule 6 takes admin off a's records",
            votes: [
                "p": repeated(["user"], 3), "q": repeated(["user"], 3),
                "a": repeated(["user"], 10) + repeated(["user", "admin"], 5),
                "b": repeated(["user"], 10) + repeated(["user", "admin"], 6),
                "c": repeated(["user"], 8) + repeated(["user", "admin"], 2),
            ],
            givingUp: ["admin": ["a"]]),
        // Every published workspace hides its lone moderator, so no record shows a moderator and
        // the moderators' remainder is safe once two of them (5 votes or more) are found.
        Fleet(
            name: "moderators hidden in every workspace",
            votes: [
                "p": repeated(["user"], 3), "q": repeated(["user"], 3),
                "a": repeated(["user"], 8) + repeated(["moderator"], 2),
                "b": repeated(["user"], 8) + repeated(["moderator"], 2),
                "c": repeated(["user"], 8) + repeated(["moderator"], 2),
                "d": repeated(["user", "admin"], 5) + repeated(["user"], 6),
            ],
            givingUp: [:]),
        // Every vote of the pool is an admin and a user: each role's remainder is the pool's share
        // (or more, with a's hidden admin), safe whatever the published workspaces hide.
        Fleet(
            name: "settled by the pool alone",
            votes: [
                "p": repeated(["user", "admin"], 3), "q": repeated(["user", "admin"], 3),
                "a": repeated(["user"], 8) + repeated(["user", "admin"], 1),
                "b": repeated(["user"], 8) + repeated(["user", "admin"], 5),
            ],
            givingUp: [:], fromCounts: true),
        // Admins vote only in workspaces where every vote is an admin and a user: no record can
        // hide an admin, so the admins' remainder is the pool's share (none), known without reading
        // the groups of admin's holders (the pool settles user).
        Fleet(
            name: "admin only in workspaces of one role set",
            votes: [
                "p": repeated(["user"], 3), "q": repeated(["user"], 3), "a": repeated(["user"], 10),
                "c": repeated(["user", "admin"], 6), "d": repeated(["user", "admin"], 6),
            ],
            givingUp: [:], fromCounts: true),
    ]

    @Test("each shape through the router: the records show what Disclosure decides", arguments: fleets.indices)
    func recordsAsTheRuleSays(_ index: Int) async throws {
        let fleet = Self.fleets[index]
        let threshold = PrivacyThreshold(k: 5)
        try await Collector.with(workspaces: fleet.votes.keys.sorted(), privacy: threshold) { collector in
            let analyst = try await collector.services.tokens.create(scope: .analyst).token
            try await collector.campaign("c1")
            var number = 0
            var groups: [VoterGroup] = []
            var cast: [Int: (workspace: String, roles: [String])] = [:]
            for (workspace, votes) in fleet.votes.sorted(by: { $0.key < $1.key }) {
                let items = votes.map { roles in
                    number += 1
                    cast[number] = (workspace, roles)
                    return Votes.item(number, score: number % 11, roles: roles)
                }
                try await collector.expectUpload("c1", workspace, accepted: items.count, items, total: items.count)
                groups += votes.map { VoterGroup(workspaceID: workspace, roles: Set($0), votes: 1) }
            }
            try await ProjectionCatchUp.untilCurrent(collector.database)
            let rule = Disclosure(groups: groups, threshold: threshold)

            let layer = PrivacyLayer(
                source: collector.database.app, threshold: threshold, policy: .live,
                logger: collector.database.logger)
            let campaign = try #require(try await layer.campaign("c1"))
            let page = try await layer.pageRules(of: campaign)
            #expect(page?.givingUp == fleet.givingUp, "\(fleet.name)")
            // With fewer holders allowed than a role left open has, the whole campaign decides.
            if !fleet.givingUp.isEmpty { #expect(try await layer.pageRules(of: campaign, holdersRead: 1) == nil) }
            let fromCounts = try await layer.pageRules(of: campaign, holdersRead: 0, hidingWorkspacesRead: 0)
            #expect((fromCounts != nil) == fleet.fromCounts, "\(fleet.name)")

            let answer = try await collector.request(.get, "/api/v1/campaigns/c1/votes?limit=100", token: analyst)
            #expect(answer.status == .ok)
            let rows = answer.json["rows"]?.arrayValue ?? []
            #expect(rows.count == number, "\(fleet.name): every vote listed")
            for row in rows {
                let voted = try #require(cast[Int(row["identifier"]?.stringValue ?? "", radix: 16) ?? -1])
                let expected = rule.record(workspaceID: voted.workspace, roles: voted.roles)
                let roles = (row["roles"]?.arrayValue ?? []).compactMap(\.stringValue)
                #expect(
                    row["workspaceId"]?.stringValue == expected.workspaceID && Set(roles) == Set(expected.roles),
                    "\(fleet.name): \(row) against \(expected)")
            }
        }
    }
}
