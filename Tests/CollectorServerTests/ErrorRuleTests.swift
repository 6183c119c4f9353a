import CollectorServer
import Foundation
import HTTPTypes
import Hummingbird
import Ingest
import NPSDomain
import Testing

@Suite("Errors and limits: status, message, and the valid part kept")
struct ErrorRuleTests {
    @Test("401 without a token, with a malformed header, with an unknown or revoked token")
    func unauthorized() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1")
            let body = Votes.batch([Votes.item(1, score: 9)])
            let none = try await collector.request(.post, "/v1/surveys/c1/results", body: body)
            #expect(none.status == .unauthorized)
            #expect(none.json["detail"] == .string("this route needs a bearer token"))
            #expect(none.headers[.wwwAuthenticate] == "Bearer")
            let unknown = try await collector.request(.post, "/v1/surveys/c1/results", token: "nps_nope", body: body)
            #expect(unknown.status == .unauthorized)
            #expect(unknown.json["detail"] == .string("the token is unknown or revoked"))

            let token = try await collector.services.tokens.create(scope: .admin)
            #expect(try await collector.services.tokens.revoke(id: token.id))
            let revoked = try await collector.request(.get, "/api/v1/quarantine", token: token.token)
            #expect(revoked.status == .unauthorized)
            #expect(revoked.headers[.contentType] == "application/problem+json")
            #expect(try await collector.eventCounts()["VoteCast"] == nil)
        }
    }

    @Test("403 for the wrong scope, and for reporting as another workspace")
    func forbidden() async throws {
        try await Collector.with(workspaces: ["ws1", "ws2"]) { collector in
            let analyst = try await collector.services.tokens.create(scope: .analyst).token
            let admin = try await collector.request(.get, "/api/v1/quarantine", token: analyst)
            #expect(admin.status == .forbidden)
            #expect(admin.json["detail"] == .string("this route needs a token of scope admin; this one is analyst"))
            let wire = try await collector.request(.get, "/v1/surveys/c1", token: collector.adminToken)
            #expect(wire.status == .forbidden)
            let otherWorkspace = try await collector.request(
                .post,
                "/api/v2/workspaces/ws2/client",
                token: collector.token("ws1"),
                body: "{}"
            )
            #expect(otherWorkspace.status == .forbidden)
            let statistics = try await collector.request(
                .post, "/", token: collector.token("ws1"), body: #"{"uniqueId":"ws2"}"#)
            #expect(statistics.status == .forbidden)
            #expect(try await collector.statisticsDocuments().isEmpty)
            #expect(try await collector.eventCounts()["WorkspaceProfileChanged"] == nil)
        }
    }

    @Test("404 for an unknown campaign, with the votes quarantined")
    func unknownCampaign() async throws {
        try await Collector.with { collector in
            let results = try await collector.upload("nope", Votes.batch([Votes.item(1, score: 9)]))
            #expect(results.status == .notFound)
            #expect(results.json["detail"] == .string("no campaign nope; the votes are kept in quarantine"))
            #expect(try await collector.quarantineCount() == 1)
            let survey = try await collector.request(.get, "/v1/surveys/nope", token: collector.token())
            #expect(survey.status == .notFound)
            #expect(survey.json["error"] == .string("Not Found"))
        }
    }

    @Test("409 for a campaign that has not started, with the votes quarantined")
    func notStarted() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1", startsIn: 86_400)
            let answer = try await collector.upload(
                "c1", Votes.batch([Votes.item(1, score: 9), Votes.item(2, score: 1)]))
            #expect(answer.status == .conflict)
            #expect(answer.json["quarantined"] == .number(2))
            #expect(try await collector.quarantineCount() == 2)
            #expect(try await collector.eventCounts()["VoteCast"] == nil)
        }
    }

    @Test("404 or 405 for unknown routes and methods")
    func unknownRoutes() async throws {
        try await Collector.with { collector in
            let missing = try await collector.request(.get, "/no/such/route")
            #expect(missing.status == .notFound)
            let native = try await collector.request(.get, "/api/v1/nothing", token: collector.adminToken)
            #expect(native.status == .notFound)
            #expect(native.headers[.contentType] == "application/problem+json")
            let method = try await collector.request(
                .put, "/v1/surveys/c1/results", token: collector.token(), body: "{}")
            #expect([.notFound, .methodNotAllowed].contains(method.status))
        }
    }

    @Test("400 for malformed JSON, saying where, with the body kept")
    func malformed() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1")
            let answer = try await collector.upload("c1", "{\"votes\": [\n  {\"score\": 9,,}\n]}")
            #expect(answer.status == .badRequest)
            #expect(
                answer.json["detail"]
                    == .string(
                        "malformed JSON: expected a member name at line 2, column 15; the body is kept in quarantine")
            )
            let held = try await collector.services.quarantine.list()
            #expect(held.count == 1)
            #expect(held[0].itemIndex == nil)
            #expect(held[0].raw.contains("{\"score\": 9,,}"))
            let admin = try await collector.request(
                .post, "/api/v1/campaigns", token: collector.adminToken, body: "{nope")
            #expect(admin.status == .badRequest)
            #expect(admin.json["detail"] == .string("malformed JSON: expected a member name at line 1, column 2"))
        }
    }

    @Test("413 over the body limits: results 8 MiB, statistics 1 MiB")
    func tooLarge() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1")
            let big = [UInt8](repeating: UInt8(ascii: " "), count: Limits.resultsBodyBytes + 1)
            let results = try await collector.request(
                .post, "/v1/surveys/c1/results", token: collector.token(), bytes: big)
            #expect(results.status == .contentTooLarge)
            #expect(results.json["detail"]?.stringValue?.contains("at most \(Limits.resultsBodyBytes)") == true)
            let statsBody = [UInt8](repeating: UInt8(ascii: " "), count: Limits.statisticsBodyBytes + 1)
            let statistics = try await collector.request(.post, "/", bytes: statsBody)
            #expect(statistics.status == .contentTooLarge)
            // Just under the limit is read (and refused only for what it says).
            let underLimit =
                [UInt8](repeating: UInt8(ascii: " "), count: Limits.statisticsBodyBytes - 2) + Array("{}".utf8)
            let under = try await collector.request(.post, "/", token: collector.token(), bytes: underLimit)
            #expect(under.status == .unprocessableContent)
            // Without a token the limit is smaller (StatisticsLimitsTests).
            #expect(try await collector.request(.post, "/", bytes: underLimit).status == .contentTooLarge)
        }
    }

    @Test("422 for the wrong shape, over the batch limit, or the wrong fields, with the body kept")
    func wrongShape() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1")
            let noVotes = try await collector.upload("c1", #"{"total": 3}"#)
            #expect(noVotes.status == .unprocessableContent)
            #expect(
                noVotes.json["detail"]
                    == .string("the body must be an object with a \"votes\" list; the body is kept in quarantine")
            )
            let tooMany = Votes.batch((1...1_001).map { Votes.item($0, score: 5) })
            let overLimit = try await collector.upload("c1", tooMany)
            #expect(overLimit.status == .unprocessableContent)
            #expect(
                overLimit.json["detail"]
                    == .string("1001 votes in one request; the limit is 1000; the body is kept in quarantine")
            )
            let exactly = try await collector.upload("c1", Votes.batch((1...1_000).map { Votes.item($0, score: 5) }))
            #expect(exactly.json["accepted"] == .number(1_000))
            #expect(try await collector.quarantineCount() == 2)

            let statistics = try await collector.request(.post, "/", body: #"{"version":"6.5.0"}"#)
            #expect(statistics.status == .unprocessableContent)
            #expect(statistics.json["detail"] == .string("uniqueId is missing or not a string"))
            let campaign = try await collector.request(
                .post,
                "/api/v1/campaigns",
                token: collector.adminToken,
                body: #"{"id":"c9","startAt":"2030-01-01T00:00:00Z"}"#
            )
            #expect(campaign.status == .unprocessableContent)
            #expect(campaign.json["detail"] == .string("expireAt is required"))
        }
    }

    @Test("every answer carries a request id; error bodies hold no internals")
    func requestIDAndNoInternals() async throws {
        try await Collector.with { collector in
            let answer = try await collector.request(.get, "/v1/surveys/nope", token: collector.token())
            let id = try #require(answer.headers[HTTPField.Name("X-Request-Id")!])
            #expect(id.count >= 32)
            for needle in ["SELECT", "PSQL", "nps_", "127.0.0.1", "Error("] {
                #expect(!answer.body.contains(needle))
            }
            let problem = try await collector.request(.get, "/api/v1/quarantine", token: "nps_x")
            #expect(problem.json["requestId"]?.stringValue == problem.headers[HTTPField.Name("X-Request-Id")!])
        }
    }

    @Test("what PostgreSQL or Swift cannot hold is refused or kept safely, never a 500 (found by schemathesis)")
    func fuzzFindings() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1")
            let nulComment = #"{"identifier":"\#(Votes.identifier(1))","score":9,"comment":"a\u0000b"}"#
            let votes = try await collector.upload("c1", Votes.batch([nulComment, Votes.item(2, score: 3)]))
            #expect(votes.status == .ok)
            #expect(votes.json["accepted"] == .number(1))
            #expect(
                votes.json["quarantined"]?.arrayValue?.first?["reason"]
                    == .string("comment contains U+0000, which cannot be stored")
            )

            let statistics = try await collector.request(
                .post, "/", body: #"{"uniqueId":"ws9","site\u0000":"a\u0000b"}"#)
            #expect(statistics.status == .ok)
            let kept = try #require(try await collector.statisticsDocuments().first)
            #expect(kept.document["site\u{FFFD}"] == .string("a\u{FFFD}b"))

            let label = try await collector.request(
                .post,
                "/api/v1/tokens",
                token: collector.adminToken,
                body: #"{"scope":"analyst","label":"\u0000"}"#
            )
            #expect(label.status == .unprocessableContent)
            #expect(label.json["detail"] == .string("strings must not contain U+0000"))

            let huge = try await collector.request(.post, "/", body: #"{"uniqueId":"ws9","x":1e400}"#)
            #expect(huge.status == .badRequest)
            #expect(huge.json["detail"] == .string("malformed JSON: number out of range at line 1, column 23"))

            func announce(_ start: String, _ expire: String) async throws -> Collector.Answer {
                try await collector.request(
                    .post,
                    "/api/v1/campaigns",
                    token: collector.adminToken,
                    body:
                        #"{"id":"d\#(start.count)","startAt":"\#(start)","expireAt":"\#(expire)","allowShortNotice":true}"#
                )
            }
            let ancient = try await announce("0000-01-01T00:00:00+01:00", "2031-01-01T00:00:00Z")
            #expect(ancient.status == .unprocessableContent)
            #expect(ancient.json["detail"]?.stringValue?.contains("from 1970 to 9999") == true)
            let roundsEqual = try await announce("2031-01-01T00:00:00.0001Z", "2031-01-01T00:00:00.0002Z")
            #expect(roundsEqual.status == .unprocessableContent)
            // The campaign stream is still readable: nothing undecodable was appended.
            #expect(try await collector.request(.get, "/v1/surveys/c1", token: collector.token()).status == .ok)

            let limit = try await collector.request(.get, "/api/v1/quarantine?limit=abc", token: collector.adminToken)
            #expect(limit.status == .unprocessableContent)
        }
    }
}
