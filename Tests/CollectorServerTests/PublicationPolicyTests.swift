import CollectorServer
import EventStore
import Foundation
import HTTPTypes
import Ingest
import NPSDomain
import TestSupport
import Testing

/// NPS_PRIVACY_RELEASE=closed, the mitigation of differencing over time: a
/// running campaign shows counts only, on every route, so two answers read
/// around one workspace's upload differ by counts, never by scores.
@Suite("Publication at close")
struct PublicationPolicyTests {
    @Test("under closed, a running campaign shows counts only; closed, everything the rule allows")
    func countsOnlyUntilClosed() async throws {
        try await Collector.with(workspaces: ["ws1", "ws2"], publication: .closed) { collector in
            try await collector.campaign("c1")
            for workspace in ["ws1", "ws2"] {
                let items = (1...6).map { Votes.item($0, score: $0 + 4, comment: "from \(workspace)") }
                try await collector.expectUpload("c1", workspace, accepted: 6, items, total: 6)
            }
            try await ProjectionCatchUp.untilCurrent(collector.database)
            func get(_ uri: String) async throws -> Collector.Answer {
                try await collector.request(.get, uri, token: collector.adminToken)
            }
            func everything() async throws -> [String: Collector.Answer] {
                var answers: [String: Collector.Answer] = [:]
                for uri in [
                    "/api/v1/campaigns", "/api/v1/campaigns/c1/summary", "/api/v1/campaigns/c1/breakdown?by=role",
                    "/api/v1/campaigns/c1/workspaces", "/api/v1/campaigns/c1/votes", "/api/v1/campaigns/c1/votes.csv",
                    "/api/v1/campaigns/c1/workspaces.csv", "/api/v1/trend", "/api/v1/trend?workspace=ws1",
                    "/api/v1/compare?a=c1&b=c1", "/dashboard/campaigns/c1",
                ] {
                    answers[uri] = try await get(uri)
                    #expect(answers[uri]?.status == .ok, "\(uri)")
                }
                return answers
            }

            let running = try await everything()
            let summary = running["/api/v1/campaigns/c1/summary"]!.json
            #expect(summary["votes"] == 12 && summary["withheld"] == true && summary["belowThreshold"] == false)
            #expect(summary["nps"] == nil && summary["distribution"] == .null)
            #expect(running["/api/v1/campaigns/c1/votes"]!.json["rows"] == [])
            let workspaces = running["/api/v1/campaigns/c1/workspaces"]!.json["rows"]?.arrayValue ?? []
            #expect(workspaces.count == 2 && workspaces.allSatisfy { $0["withheld"] == true && $0["nps"] == nil })
            #expect(running["/api/v1/campaigns/c1/breakdown?by=role"]!.json["rows"]?[0]?["withheld"] == true)
            #expect(running["/api/v1/trend"]!.json["points"]?[0]?["withheld"] == true)
            #expect(running["/api/v1/compare?a=c1&b=c1"]!.json["difference"] == .null)
            // No route carries a score or a comment.
            for (uri, answer) in running {
                #expect(!answer.body.contains("from ws"), "\(uri) shows a comment")
                #expect(!answer.body.contains("\"nps\":"), "\(uri) shows an NPS")
            }
            #expect(running["/dashboard/campaigns/c1"]!.body.contains("published once the campaign is closed"))

            // Closed: released, under the ordinary rule.
            try await collector.services.campaigns.close("c1", metadata: .init(sender: "test"))
            try await ProjectionCatchUp.untilCurrent(collector.database)
            let closed = try await everything()
            #expect(closed["/api/v1/campaigns/c1/summary"]!.json["withheld"] == false)
            #expect(closed["/api/v1/campaigns/c1/votes"]!.json["rows"]?.arrayValue?.count == 12)
            #expect(closed["/api/v1/campaigns/c1/votes.csv"]!.body.contains("from ws2"))
        }
    }
}
