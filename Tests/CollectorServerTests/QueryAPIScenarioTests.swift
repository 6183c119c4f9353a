import CollectorServer
import EventStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import NPSDomain
import TestSupport
import Testing

/// Four workspaces and two campaigns ingested over the Rocket.Chat routes,
/// then every query route compared with figures worked out by hand here
/// (formulas written out again, not taken from NPSDomain), the privacy rule
/// included.
///
/// c1 (closed): ws1 {10, 9, 9, 8, 3, 0}, ws2 {9, 9, 7, 6, 5}, ws3 {10, 2}
///     P 6, A 2, D 5, n 13. Workspaces: ws3 (2) is below k = 5, and ws2 (5,
///     the smallest shown) is withheld with it: 7 votes pooled.
///     Roles: admin 2 (below); user 11, withheld because the 2 votes without
///     it (ws1's admin-moderators) would be the campaign minus user;
///     moderator 6 shown. ws1's records carry no role: moderator would leave
///     its one plain user alone.
/// c2 (running): ws1 {10, 10, 9, 7, 4}, ws2 {9, 8, 6, 3, 1}: P 4, A 2, D 4.
@Suite("Query API on a scenario over HTTP")
struct QueryAPIScenarioTests {
    static let z95 = 1.959963984540054

    /// Adjusted Wald by hand: n' = n + 3, p' = (P + ¾)/n', d' = (D + ¾)/n'.
    static func adjustedWald(_ p: Int, _ a: Int, _ d: Int, z: Double = z95) -> (Double, Double) {
        let n = Double(p + a + d) + 3
        let pp = (Double(p) + 0.75) / n
        let dd = (Double(d) + 0.75) / n
        let half = z * ((pp + dd - (pp - dd) * (pp - dd)) / n).squareRoot()
        return (max(-100, 100 * (pp - dd - half)), min(100, 100 * (pp - dd + half)))
    }

    static func close(_ value: JSONValue?, _ expected: Double, tolerance: Double = 1e-9) -> Bool {
        guard let actual = value?.doubleValue else { return false }
        return abs(actual - expected) <= tolerance
    }

    static func ingest(_ collector: Collector) async throws {
        // Campaigns never overlap: c1's votes arrive, c1 closes, then c2 (announced later, started
        // after c1) gets its votes.
        try await collector.campaign("c1", startsIn: -3_600)
        try await collector.expectUpload(
            "c1", "ws1", accepted: 6,
            [
                Votes.item(1, score: 10, roles: ["admin", "moderator"], comment: #"Great, \"really\" great"#),
                Votes.item(2, score: 9, roles: ["user", "moderator"], comment: #"line one\nline two 🎉"#),
                Votes.item(3, score: 9),
                Votes.item(4, score: 8, roles: ["user", "moderator"]),
                Votes.item(5, score: 3, roles: ["admin", "moderator"], comment: "slow, buggy"),
                Votes.item(6, score: 0, roles: ["user", "moderator"], comment: "😡 hate it"),
            ], total: 8)
        try await collector.expectUpload(
            "c1", "ws2", accepted: 5,
            [
                Votes.item(1, score: 9, comment: "fine"), Votes.item(2, score: 9), Votes.item(3, score: 7),
                Votes.item(4, score: 6, roles: ["user", "moderator"]), Votes.item(5, score: 5),
            ], total: 5)
        try await collector.expectUpload(
            "c1", "ws3", accepted: 2,
            [Votes.item(1, score: 10, comment: "secret small workspace"), Votes.item(2, score: 2)], total: 2)
        try await collector.services.campaigns.close("c1", metadata: .init(sender: "test"))
        try await collector.campaign("c2", startsIn: -1_800)
        try await collector.expectUpload(
            "c2", "ws1", accepted: 5,
            [10, 10, 9, 7, 4].enumerated().map { Votes.item(20 + $0.offset, score: $0.element) }, total: 5)
        try await collector.expectUpload(
            "c2", "ws2", accepted: 5,
            [9, 8, 6, 3, 1].enumerated().map { Votes.item(20 + $0.offset, score: $0.element) }, total: 5)
        _ = try await collector.sync("ws4", npsEnabled: true)
        _ = try await collector.sync("ws4", npsEnabled: false)
        try await ProjectionCatchUp.untilCurrent(collector.database)
    }

    @Test("summary, campaigns, breakdown, workspaces, votes, compare, trend and directory match the hand figures")
    func figures() async throws {
        try await Collector.with(workspaces: ["ws1", "ws2", "ws3", "ws4"]) { collector in
            try await Self.ingest(collector)
            let analyst = try await collector.services.tokens.create(scope: .analyst).token
            func get(_ uri: String) async throws -> JSONValue {
                let answer = try await collector.request(.get, uri, token: analyst)
                #expect(answer.status == .ok, "\(uri): \(answer.body)")
                return answer.json
            }

            // Summary of c1: P 6, A 2, D 5.
            let summary = try await get("/api/v1/campaigns/c1/summary")
            #expect(summary["votes"] == 13)
            #expect(summary["promoters"] == 6 && summary["passives"] == 2 && summary["detractors"] == 5)
            #expect(Self.close(summary["nps"], 100.0 * (6 - 5) / 13))
            let c1Interval = Self.adjustedWald(6, 2, 5)
            #expect(
                Self.close(summary["ci95"]?["low"], c1Interval.0) && Self.close(summary["ci95"]?["high"], c1Interval.1))
            #expect(Self.close(summary["ci95"]?["low"], -36.951, tolerance: 0.001))
            #expect(summary["distribution"] == [1, 0, 1, 1, 0, 1, 1, 1, 1, 4, 2])
            // 6/13, 2/13, 5/13 = 46.15, 15.38, 38.46: floors sum to 99, the largest remainder (.46) gets the point.
            #expect(summary["percentages"] == ["promoters": 46, "passives": 15, "detractors": 39])
            #expect(summary["belowThreshold"] == false)
            #expect(summary["workspaces"] == ["announced": 3, "notified": 0, "shown": 0, "voted": 3, "optedOut": 0])
            #expect(Self.close(summary["deliveryCompleteness"], 13.0 / 15))
            #expect((summary["asOf"]?["position"]?.doubleValue ?? 0) > 0)
            let ninety = try await get("/api/v1/campaigns/c1/summary?confidence=0.9")
            let c1Ninety = Self.adjustedWald(6, 2, 5, z: 1.6448536269514722)
            #expect(
                Self.close(ninety["interval"]?["low"], c1Ninety.0)
                    && Self.close(ninety["interval"]?["high"], c1Ninety.1))
            #expect(ninety["interval"]?["level"] == 0.9)

            // Every campaign, in start order.
            let campaigns = try await get("/api/v1/campaigns")
            #expect(campaigns.arrayValue?.map { $0["campaignId"] } == ["c1", "c2"])
            #expect(campaigns[1]?["state"] == "running" && campaigns[0]?["state"] == "closed")
            #expect(campaigns[1]?["votes"] == 10 && campaigns[1]?["nps"] == 0 && campaigns[1]?["votingWorkspaces"] == 2)
            let c2Interval = Self.adjustedWald(4, 2, 4)
            #expect(Self.close(campaigns[1]?["ci95"]?["high"], c2Interval.1))

            // Roles: admin (2) is below k; user (11) leaves 2 votes without it, so it is withheld too;
            // moderator (6: 10, 9, 8, 3, 0 of ws1 and 6 of ws2) is shown.
            let breakdown = try await get("/api/v1/campaigns/c1/breakdown?by=role")
            let roles = breakdown["rows"]?.arrayValue ?? []
            #expect(roles.map { $0["role"] } == ["admin", "moderator", "user"])
            #expect(
                roles[0] == ["role": "admin", "votes": 2, "belowThreshold": true, "withheld": true, "difference": nil])
            #expect(
                roles[2] == ["role": "user", "votes": 11, "belowThreshold": false, "withheld": true, "difference": nil])
            // moderator against the 7 votes without it (4 promoters, 1 passive, 2 detractors).
            #expect(Self.close(roles[1]["difference"]?["delta"], -100.0 / 6 - 200.0 / 7))
            #expect(roles[1]["promoters"] == 2 && roles[1]["passives"] == 1 && roles[1]["detractors"] == 3)
            #expect(Self.close(roles[1]["nps"], -100.0 / 6))
            #expect(roles.filter { $0["withheld"] == true }.count != 1)

            // Workspaces by NPS: only ws1 is shown; ws2 and ws3 (withheld) sort last, by id.
            let workspaces = try await get("/api/v1/campaigns/c1/workspaces?sort=nps&order=desc")
            let rows = workspaces["rows"]?.arrayValue ?? []
            #expect(rows.map { $0["workspaceId"] } == ["ws1", "ws2", "ws3"])
            #expect(Self.close(rows[0]["nps"], 100.0 * (3 - 2) / 6))
            #expect(rows[0]["votes"] == 6 && rows[0]["reportedTotal"] == 8)
            #expect(Self.close(rows[0]["deliveryCompleteness"], 6.0 / 8))
            #expect(
                rows[1] == [
                    "workspaceId": "ws2", "votes": 5, "belowThreshold": false, "withheld": true,
                    "activeUsers": nil, "reportedTotal": 5, "responseRate": nil, "deliveryCompleteness": 1,
                ])
            #expect(rows[2]["belowThreshold"] == true && rows[2]["nps"] == nil)
            #expect(rows.filter { $0["withheld"] == true }.count != 1)
            #expect(workspaces["nextCursor"] == .null)

            // Paging by votes: 6, 5, 2 in pages of two, the cursor carrying on where the first stopped.
            let first = try await get("/api/v1/campaigns/c1/workspaces?sort=votes&limit=2")
            #expect(first["rows"]?.arrayValue?.map { $0["workspaceId"] } == ["ws1", "ws2"])
            let cursor = try #require(first["nextCursor"]?.stringValue)
            let second = try await get("/api/v1/campaigns/c1/workspaces?sort=votes&limit=2&cursor=\(cursor)")
            #expect(second["rows"]?.arrayValue?.map { $0["workspaceId"] } == ["ws3"])
            #expect(second["nextCursor"] == .null)
            let minVotes = try await get("/api/v1/campaigns/c1/workspaces?minVotes=5&sort=votes&order=asc")
            #expect(minVotes["rows"]?.arrayValue?.map { $0["workspaceId"] } == ["ws2", "ws1"])

            // Votes: all 13. The 7 of ws2 and ws3 (withheld) first, by identifier, with no workspace,
            // role or time; then ws1's 6, with no role (see above).
            let votes = try await get("/api/v1/campaigns/c1/votes")
            let listed = votes["rows"]?.arrayValue ?? []
            #expect(
                listed.map { $0["workspaceId"] } == Array(repeating: .null, count: 7)
                    + Array(repeating: "ws1", count: 6))
            #expect(listed.map { $0["score"] } == [9, 10, 9, 2, 7, 6, 5, 10, 9, 9, 8, 3, 0])
            #expect(listed.allSatisfy { $0["roles"] == [] })
            #expect(listed.prefix(7).allSatisfy { $0["time"] == .null } && listed[7]["time"] != .null)
            #expect(listed[7]["comment"] == #"Great, "really" great"# && listed[7]["category"] == "promoter")
            // ws3's comment is listed, but nothing says where it came from.
            #expect(listed[1]["comment"] == "secret small workspace" && listed[1]["workspaceId"] == .null)
            let detractors = try await get("/api/v1/campaigns/c1/votes?category=detractor")
            #expect(detractors["rows"]?.arrayValue?.map { $0["score"] } == [2, 6, 5, 3, 0])
            let commented = try await get("/api/v1/campaigns/c1/votes?hasComment=true&limit=3")
            #expect(commented["rows"]?.arrayValue?.map { $0["score"] } == [9, 10, 10])
            let rest = try await get(
                "/api/v1/campaigns/c1/votes?hasComment=true&limit=3&cursor=\(commented["nextCursor"]?.stringValue ?? "")"
            )
            #expect(rest["rows"]?.arrayValue?.map { $0["score"] } == [9, 3, 0])
            // One by one: ws2's and ws3's first votes share an identifier, and neither is skipped.
            var nextPage: String? = nil
            var oneByOne: [JSONValue?] = []
            repeat {
                let page = try await get(
                    "/api/v1/campaigns/c1/votes?hasComment=true&limit=1" + (nextPage.map { "&cursor=\($0)" } ?? ""))
                oneByOne += page["rows"]?.arrayValue?.map { $0["score"] } ?? []
                nextPage = page["nextCursor"]?.stringValue
            } while nextPage != nil
            #expect(oneByOne == [9, 10, 10, 9, 3, 0])
            let search = try await get("/api/v1/campaigns/c1/votes?q=GREAT")
            #expect(search["rows"]?.arrayValue?.map { $0["score"] } == [10])
            let percent = try await get("/api/v1/campaigns/c1/votes?q=%25")
            #expect(percent["rows"]?.arrayValue?.isEmpty == true)
            // No record carries moderator (shown as a total) or user (withheld).
            let moderators = try await get("/api/v1/campaigns/c1/votes?role=moderator")
            #expect(moderators["rows"]?.arrayValue?.isEmpty == true)
            let users = try await get("/api/v1/campaigns/c1/votes?role=user")
            #expect(users["rows"]?.arrayValue?.isEmpty == true)

            // c2 against c1: Δ = 0 − 100/13; SE = 100 √(v₁/n₁ + v₂/n₂), v = p + d − (p − d)².
            let compare = try await get("/api/v1/compare?a=c2&b=c1")
            let v2 = 0.4 + 0.4
            let v1 = 11.0 / 13 - (1.0 / 13) * (1.0 / 13)
            let delta = 0 - 100.0 / 13
            let standardError = 100 * (v2 / 10 + v1 / 13).squareRoot()
            let zScore = delta / standardError
            #expect(Self.close(compare["difference"]?["delta"], delta))
            #expect(Self.close(compare["difference"]?["z"], zScore))
            #expect(Self.close(compare["difference"]?["p"], erfc(abs(zScore) / 2.0.squareRoot())))
            #expect(Self.close(compare["difference"]?["p"], 0.83971, tolerance: 1e-5))
            #expect(Self.close(compare["difference"]?["ci95"]?["low"], delta - Self.z95 * standardError))
            #expect(compare["a"]?["nps"] == 0 && compare["b"]?["votes"] == 13)
            let ws1 = try await get("/api/v1/compare?a=c2&b=c1&workspace=ws1")
            #expect(Self.close(ws1["difference"]?["delta"], 40 - 100.0 / 6))
            #expect(Self.close(ws1["difference"]?["p"], 0.64866, tolerance: 1e-5))
            let ws2 = try await get("/api/v1/compare?a=c2&b=c1&workspace=ws2")
            #expect(ws2["difference"] == .null && ws2["b"]?["withheld"] == true && ws2["a"]?["nps"] == -40)
            let admins = try await get("/api/v1/compare?a=c2&b=c1&role=admin")
            #expect(admins["difference"] == .null && admins["b"]?["belowThreshold"] == true)

            // Trend: c1 then c2; for ws2, c1 is withheld.
            let trend = try await get("/api/v1/trend")
            #expect(trend["points"]?.arrayValue?.map { $0["campaignId"] } == ["c1", "c2"])
            #expect(Self.close(trend["points"]?[0]?["nps"], 100.0 / 13))
            let ws2Trend = try await get("/api/v1/trend?workspace=ws2")
            #expect(ws2Trend["points"]?[0]?["withheld"] == true && ws2Trend["points"]?[0]?["nps"] == nil)
            #expect(ws2Trend["points"]?[1]?["nps"] == -40)

            // Directory: ws4 turned the survey off; ws1's NPS per campaign.
            let ws4 = try await get("/api/v1/workspaces/ws4")
            #expect(ws4["npsEnabled"] == false)
            #expect(ws4["settingHistory"]?.arrayValue?.last?["enabled"] == false)
            let ws1Entry = try await get("/api/v1/workspaces/ws1")
            #expect(ws1Entry["campaigns"]?.arrayValue?.map { $0["nps"] } == [.number(100.0 / 6), 40])
        }
    }
}
