import CollectorServer
import Foundation
import HTTPTypes
import Ingest
import NPSDomain
import Projections
import TestSupport
import Testing

/// Segments through the router on a real database: a fleet whose figures
/// were computed by hand (python3, from the per-workspace formulas of
/// docs/segments.md, not from the sums the code keeps), and a workspace that
/// upgrades between two campaigns.
@Suite("Segments of a campaign", .timeLimit(.minutes(3)))
struct SegmentBreakdownTests {
    /// Each workspace's version and votes as (score, count) (k = 5). ws4 is
    /// under k and ws2, the smallest of the others, is withheld with it (rule
    /// 3): the pool is 8 votes (3 promoters, 2 detractors), one cluster.
    static let fleet: [(workspace: String, version: String, scores: [(Int, Int)])] = [
        ("ws1", "6.1.4", [(10, 6), (7, 2), (3, 2)]),
        ("ws2", "7.2.0", [(9, 3), (8, 3)]),
        ("ws3", "7.2.1", [(10, 1), (7, 3), (0, 4)]),
        ("ws4", "7.2.1", [(2, 2)]),
        ("ws5", "7.2.3", [(9, 2), (8, 2), (5, 3)]),
    ]

    static func report(
        _ collector: Collector, _ workspace: String, version: String, activeUsers: Int = 30
    )
        async throws
    {
        let body = #"{"uniqueId":"\#(workspace)","version":"\#(version)","activeUsers":\#(activeUsers)}"#
        let answer = try await collector.request(.post, "/", token: collector.token(workspace), body: body)
        #expect(answer.status == .ok, "\(answer.body)")
    }

    static func vote(
        _ collector: Collector, _ campaign: String, _ workspace: String, _ scores: [(Int, Int)], from: Int
    )
        async throws -> Int
    {
        var number = from
        var items: [String] = []
        for (score, count) in scores {
            for _ in 0..<count {
                number += 1
                items.append(Votes.item(number, score: score))
            }
        }
        try await collector.expectUpload(campaign, workspace, accepted: items.count, items, total: items.count)
        return number
    }

    @Test("figures, Δ, p and q by version, the pool apart, and the clustered interval")
    func handComputedFleet() async throws {
        try await Collector.with(workspaces: Self.fleet.map(\.workspace), privacy: PrivacyThreshold(k: 5)) {
            collector in
            let analyst = try await collector.services.tokens.create(scope: .analyst).token
            try await collector.campaign("c1")
            var number = 0
            for (workspace, version, scores) in Self.fleet {
                try await Self.report(collector, workspace, version: version)
                number = try await Self.vote(collector, "c1", workspace, scores, from: number)
            }
            try await ProjectionCatchUp.untilCurrent(collector.database)
            let answer = try await collector.request(.get, "/api/v1/campaigns/c1/breakdown?by=version", token: analyst)
            #expect(answer.status == .ok, "\(answer.body)")
            let json = answer.json
            let rows = json["rows"]?.arrayValue ?? []
            #expect(rows.map { $0["segment"]?.stringValue } == ["7.2", "6.1"], "\(answer.body)")
            #expect(rows.map { $0["votes"]?.doubleValue } == [15, 10])
            #expect(rows.map { $0["workspaces"]?.doubleValue } == [2, 1])
            #expect(json["withheldWorkspaces"]?["votes"] == 8)
            let expected: [(nps: Double, delta: Double, se: Double, p: Double, q: Double)] = [
                (
                    -26.666666666666668, -54.44444444444444, 17.831263848402244, 0.0022632911031432845,
                    0.004526582206286569
                ),
                (40.0, 53.04347826086956, 29.44766054187806, 0.07165877843146717, 0.07165877843146717),
            ]
            for (row, want) in zip(rows, expected) {
                let difference = row["difference"]
                #expect(abs((row["nps"]?.doubleValue ?? .nan) - want.nps) < 1e-9)
                #expect(abs((difference?["delta"]?.doubleValue ?? .nan) - want.delta) < 1e-9, "\(row)")
                #expect(abs((difference?["standardError"]?.doubleValue ?? .nan) - want.se) < 1e-9, "\(row)")
                #expect(abs((difference?["p"]?.doubleValue ?? .nan) - want.p) < 1e-12, "\(row)")
                #expect(abs((difference?["q"]?.doubleValue ?? .nan) - want.q) < 1e-12, "\(row)")
            }
            let total = json["total"]
            #expect(total?["votes"] == 33)
            #expect(total?["clusters"] == 4)
            let clustered = total?["clustered"]
            #expect(abs((clustered?["designEffect"]?.doubleValue ?? .nan) - 1.4761123669734846) < 1e-9)
            #expect(abs((clustered?["ci95"]?["low"]?.doubleValue ?? .nan) - -29.94438520709055) < 1e-9)
            #expect(abs((clustered?["ci95"]?["high"]?.doubleValue ?? .nan) - 35.49994076264611) < 1e-9)

            // The CSV has the same rows.
            let csv = try await collector.request(
                .get, "/api/v1/campaigns/c1/breakdown.csv?by=version", token: analyst)
            #expect(csv.status == .ok)
            let lines = csv.body.split(separator: "\r\n")
            #expect(lines.count == 3, "\(csv.body)")
            #expect(lines.dropFirst().map { $0.split(separator: ",").first.map(String.init) } == ["7.2", "6.1"])

            // The planner: at ±10 points the design effect asks for more votes than independent sampling.
            let plan = try await collector.request(.get, "/api/v1/campaigns/c1/plan?margin=10", token: analyst)
            #expect(plan.status == .ok, "\(plan.body)")
            #expect((plan.json["votesNeeded"]?.doubleValue ?? 0) > 33)
            #expect(plan.json["workspaces"] == 5)
            #expect(
                try await collector.request(.get, "/api/v1/campaigns/c1/plan?margin=0", token: analyst).status
                    == .badRequest)
            #expect(
                try await collector.request(.get, "/api/v1/campaigns/c1/breakdown?by=shoeSize", token: analyst)
                    .status == .badRequest)
        }
    }

    @Test("a workspace that upgrades between campaigns counts under each campaign's version")
    func upgradeBetweenCampaigns() async throws {
        try await Collector.with(workspaces: ["ws1", "ws2"], privacy: PrivacyThreshold(k: 2)) { collector in
            let analyst = try await collector.services.tokens.create(scope: .analyst).token
            let first = try await collector.campaign("c1")
            try await Self.report(collector, "ws1", version: "6.1.0")
            try await Self.report(collector, "ws2", version: "6.1.0")
            var number = try await Self.vote(collector, "c1", "ws1", [(10, 3)], from: 0)
            number = try await Self.vote(collector, "c1", "ws2", [(0, 3)], from: number)
            try collector.advance(past: first.expireAt)
            try await Self.report(collector, "ws1", version: "7.0.2")
            try await collector.campaign("c2")
            number = try await Self.vote(collector, "c2", "ws1", [(9, 4)], from: number)
            _ = try await Self.vote(collector, "c2", "ws2", [(6, 2)], from: number)
            try await ProjectionCatchUp.untilCurrent(collector.database)

            func versions(_ campaign: String) async throws -> [String: Double] {
                let answer = try await collector.request(
                    .get, "/api/v1/campaigns/\(campaign)/breakdown?by=version", token: analyst)
                var votes: [String: Double] = [:]
                for row in answer.json["rows"]?.arrayValue ?? [] {
                    votes[row["segment"]?.stringValue ?? "?"] = row["votes"]?.doubleValue
                }
                return votes
            }
            #expect(try await versions("c1") == ["6.1": 6])
            #expect(try await versions("c2") == ["7.0": 4, "6.1": 2])

            let trend = try await collector.request(.get, "/api/v1/trend?by=version&segment=6.1", token: analyst)
            #expect(trend.status == .ok, "\(trend.body)")
            let points = trend.json["points"]?.arrayValue ?? []
            #expect(points.map { $0["votes"]?.doubleValue } == [6, 2])
            #expect(points.first?["change"] == .null)
            #expect(points.last?["change"]?["delta"]?.doubleValue == -100)
        }
    }
}
