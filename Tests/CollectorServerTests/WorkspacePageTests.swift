import CollectorServer
import HTTPTypes
import Ingest
import NPSDomain
import Projections
import TestSupport
import Testing

/// The workspace page reads its rows in the order of the votes fold's
/// indexes and decides rule 3 from counts (`WorkspaceTallyQuery`); the CSV
/// export sorts every row in the database and its disclosure is the same
/// rule. Paged through cursors, every order must list what the export lists,
/// in the same order, with the same rows withheld as `Disclosure` withholds.
@Suite("Workspace pages in index order", .timeLimit(.minutes(3)))
struct WorkspacePageTests {
    /// Votes per workspace (k = 5): two under k pooling 3 votes, so one more
    /// is withheld with them (w02: 5 votes, ahead of w03 by id); ties in
    /// votes and in NPS; w16 reports a total without votes (17 rows).
    static let sizes = [1, 2, 5, 5, 6, 6, 8, 8, 12, 20, 6, 9, 9, 7, 5, 10]
    static let workspaces = (0..<20).map { "w" + ($0 < 10 ? "0" : "") + String($0) }

    static func score(workspace: Int, vote: Int) -> Int {
        switch workspace % 3 {
        case 0: 10
        case 1: vote % 2 == 0 ? 10 : 0
        default: (vote * 7 + workspace) % 11
        }
    }

    @Test("every sort, order, minVotes and page size pages through the export's rows, withheld as the rule says")
    func pagesMatchTheExport() async throws {
        try await Collector.with(workspaces: Self.workspaces, privacy: PrivacyThreshold(k: 5)) { collector in
            let analyst = try await collector.services.tokens.create(scope: .analyst).token
            try await collector.campaign("c1")
            var groups: [VoterGroup] = []
            var number = 0
            for (index, size) in Self.sizes.enumerated() {
                let items = (0..<size).map { vote in
                    number += 1
                    return Votes.item(number, score: Self.score(workspace: index, vote: vote))
                }
                try await collector.expectUpload("c1", Self.workspaces[index], accepted: size, items, total: size)
                groups.append(VoterGroup(workspaceID: Self.workspaces[index], roles: ["user"], votes: size))
            }
            // A workspace that reported a total but holds no vote.
            try await collector.expectUpload("c1", Self.workspaces[16], accepted: 0, [], total: 4)
            try await ProjectionCatchUp.untilCurrent(collector.database)
            let rule = Disclosure(groups: groups, threshold: PrivacyThreshold(k: 5))
            #expect(rule.workspaces.complement == "w02")

            func get(_ uri: String) async throws -> Collector.Answer {
                let answer = try await collector.request(.get, uri, token: analyst)
                #expect(answer.status == .ok, "\(uri): \(answer.body.prefix(300))")
                return answer
            }
            var sawUnvoted = false
            for sort in ["nps", "votes", "responseRate"] {
                for order in ["desc", "asc"] {
                    for minVotes in [0, 6] {
                        let filter = "sort=\(sort)&order=\(order)&minVotes=\(minVotes)"
                        let export = try await get("/api/v1/campaigns/c1/workspaces.csv?\(filter)").body
                            .split(separator: "\r\n").dropFirst().map { line in
                                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                                return "\(fields[0]) \(fields[1]) \(fields[3])"
                            }
                        #expect(export.count == (minVotes == 0 ? 17 : 11), "\(filter): \(export)")
                        for limit in [1, 4, 100] {
                            var listed: [String] = []
                            var cursor: String?
                            repeat {
                                let page = try await get(
                                    "/api/v1/campaigns/c1/workspaces?\(filter)&limit=\(limit)"
                                        + (cursor.map { "&cursor=\($0)" } ?? "")
                                ).json
                                for row in page["rows"]?.arrayValue ?? [] {
                                    let id = row["workspaceId"]?.stringValue ?? "?"
                                    let votes = Int(row["votes"]?.doubleValue ?? -1)
                                    let withheld = row["withheld"] == true
                                    listed.append("\(id) \(votes) \(withheld)")
                                    #expect(withheld == (votes > 0 && rule.isWorkspaceWithheld(id)), "\(filter): \(id)")
                                    sawUnvoted = sawUnvoted || votes == 0
                                }
                                cursor = page["nextCursor"]?.stringValue
                                #expect(listed.count <= 20, "\(filter) limit \(limit): the cursor does not advance")
                            } while cursor != nil && listed.count <= 20
                            #expect(listed == export, "\(filter) limit \(limit)")
                        }
                    }
                }
            }
            #expect(sawUnvoted, "no page listed a workspace without votes")
        }
    }
}
