import CollectorServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import NPSDomain
import TestSupport
import Testing

/// Who may read, what a bad parameter gets, and the ETag's 304.
@Suite("Query API: tokens, limits and conditional requests")
struct QueryAPIAccessTests {
    static let routes = [
        "/api/v1/campaigns", "/api/v1/campaigns/c1/summary", "/api/v1/campaigns/c1/breakdown?by=role",
        "/api/v1/campaigns/c1/workspaces", "/api/v1/campaigns/c1/votes", "/api/v1/campaigns/c1/votes.csv",
        "/api/v1/campaigns/c1/workspaces.csv", "/api/v1/compare?a=c1&b=c1", "/api/v1/trend",
        "/api/v1/workspaces/ws1",
    ]

    @Test("analyst and admin read every route; a workspace token gets 403, no token 401")
    func tokens() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1")
            try await ProjectionCatchUp.untilCurrent(collector.database)
            let analyst = try await collector.services.tokens.create(scope: .analyst).token
            for route in Self.routes {
                #expect(try await collector.request(.get, route, token: analyst).status == .ok, "\(route)")
                #expect(try await collector.request(.get, route, token: collector.adminToken).status == .ok, "\(route)")
                let workspace = try await collector.request(.get, route, token: collector.token())
                #expect(workspace.status == .forbidden, "\(route)")
                #expect(workspace.headers[.contentType] == "application/problem+json")
                #expect(try await collector.request(.get, route).status == .unauthorized, "\(route)")
            }
        }
    }

    @Test("the Authorization header: Bearer in any case, one space, one header")
    func authorizationHeader() async throws {
        try await Collector.with { collector in
            let analyst = try await collector.services.tokens.create(scope: .analyst).token
            let route = "/api/v1/campaigns"
            let answers: [(String, HTTPResponse.Status)] = [
                ("Bearer \(analyst)", .ok), ("bearer \(analyst)", .ok), ("BEARER \(analyst)", .ok),
                ("bEaReR \(analyst)", .ok), ("Bearer  \(analyst)", .unauthorized),
                ("Bearer\t\(analyst)", .unauthorized),
                ("Bearer", .unauthorized), ("Bearer ", .unauthorized), ("Bearerx \(analyst)", .unauthorized),
                ("Basic \(analyst)", .unauthorized), ("Beare \(analyst)", .unauthorized),
            ]
            for (header, status) in answers {
                let answer = try await collector.request(.get, route, headers: [.authorization: header])
                #expect(answer.status == status, "\(header)")
            }
            // Two headers are joined as HTTP joins repeated fields, and match no token.
            var twice = HTTPFields()
            twice.append(HTTPField(name: .authorization, value: "Bearer \(analyst)"))
            twice.append(HTTPField(name: .authorization, value: "Bearer \(analyst)"))
            #expect(try await collector.request(.get, route, headers: twice).status == .unauthorized)
        }
    }

    @Test("every limit is checked, with a problem naming it")
    func limits() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1")
            try await ProjectionCatchUp.untilCurrent(collector.database)
            let refusals: [(String, String)] = [
                ("/api/v1/campaigns/c1/workspaces?limit=0", "limit must be a whole number from 1 to 500"),
                ("/api/v1/campaigns/c1/workspaces?limit=501", "limit must be a whole number from 1 to 500"),
                ("/api/v1/campaigns/c1/votes?limit=x", "limit must be a whole number from 1 to 500"),
                ("/api/v1/campaigns/c1/summary?confidence=1", "confidence must be a number from 0.5 to 0.999"),
                ("/api/v1/campaigns/c1/summary?confidence=0.4", "confidence must be a number from 0.5 to 0.999"),
                ("/api/v1/campaigns/c1/workspaces?sort=name", "sort must be one of nps, votes, responseRate"),
                ("/api/v1/campaigns/c1/workspaces?order=up", "order must be one of asc, desc"),
                ("/api/v1/campaigns/c1/workspaces?minVotes=-1", "minVotes must be a whole number"),
                ("/api/v1/campaigns/c1/workspaces?cursor=nonsense", "cursor is not valid"),
                ("/api/v1/campaigns/c1/votes?cursor=e30", "cursor is not valid"),
                ("/api/v1/campaigns/c1/votes?category=fan", "category must be one of promoter, passive, detractor"),
                ("/api/v1/campaigns/c1/votes?hasComment=yes", "hasComment must be true or false"),
                ("/api/v1/campaigns/c1/votes?q=" + String(repeating: "a", count: 201), "q must be 1 to 200 characters"),
                ("/api/v1/campaigns/c1/votes?q=%00", "q cannot contain the NUL character"),
                ("/api/v1/campaigns/c1/breakdown?by=workspace", "by must be one of role"),
                ("/api/v1/compare?a=c1", "the query parameter b is required"),
                ("/api/v1/compare?a=c1&b=c1&workspace=ws1&role=user", "give workspace or role, not both"),
            ]
            for (route, detail) in refusals {
                let answer = try await collector.request(.get, route, token: collector.adminToken)
                #expect(answer.status == .badRequest, "\(route)")
                #expect(answer.headers[.contentType] == "application/problem+json", "\(route)")
                #expect(answer.json["detail"]?.stringValue?.hasPrefix(detail) == true, "\(route): \(answer.body)")
            }
            // A cursor of another ordering is refused rather than misread.
            let votesCursor = "eyJpZGVudGlmaWVyIjoieCIsIndvcmtzcGFjZSI6IngifQ"
            let misplaced = try await collector.request(
                .get, "/api/v1/campaigns/c1/workspaces?cursor=\(votesCursor)", token: collector.adminToken)
            #expect(misplaced.status == .badRequest)
            for route in [
                "/api/v1/campaigns/nope/summary", "/api/v1/campaigns/nope/votes.csv", "/api/v1/workspaces/nope",
                "/api/v1/compare?a=c1&b=nope", "/api/v1/trend?workspace=nope",
            ] {
                let answer = try await collector.request(.get, route, token: collector.adminToken)
                #expect(answer.status == .notFound, "\(route)")
                #expect(answer.headers[.contentType] == "application/problem+json", "\(route)")
            }
        }
    }

    @Test("an unchanged answer is a 304 for its ETag; a new vote changes the tag")
    func conditionalRequests() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1")
            try await ProjectionCatchUp.untilCurrent(collector.database)
            let route = "/api/v1/campaigns/c1/summary"
            let first = try await collector.request(.get, route, token: collector.adminToken)
            let tag = try #require(first.headers[.eTag])
            let again = try await collector.conditionalGet(route, ifNoneMatch: tag)
            #expect(again.status == .notModified)
            #expect(again.body.isEmpty && again.headers[.eTag] == tag)

            try await collector.expectUpload("c1", "ws1", accepted: 1, [Votes.item(1, score: 9)], total: 1)
            try await ProjectionCatchUp.untilCurrent(collector.database)
            let changed = try await collector.conditionalGet(route, ifNoneMatch: tag)
            #expect(changed.status == .ok)
            #expect(changed.headers[.eTag] != tag)
            #expect(changed.json["votes"] == 1 && changed.json["belowThreshold"] == true)
            #expect(changed.json["nps"] == nil && changed.json["distribution"] == .null)
        }
    }
}

extension QueryAPIAccessTests {
    @Test("the privacy threshold is configurable: with k = 1 a single vote is shown")
    func configurableThreshold() async throws {
        try await Collector.with(privacy: PrivacyThreshold(k: 1)) { collector in
            try await collector.campaign("c1")
            try await collector.expectUpload("c1", "ws1", accepted: 1, [Votes.item(1, score: 3)], total: 1)
            try await ProjectionCatchUp.untilCurrent(collector.database)
            let summary = try await collector.request(.get, "/api/v1/campaigns/c1/summary", token: collector.adminToken)
            #expect(summary.json["nps"] == -100 && summary.json["belowThreshold"] == false)
            #expect(summary.json["distribution"] == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
        }
    }
}

extension Collector {
    func conditionalGet(_ uri: String, ifNoneMatch: String) async throws -> Answer {
        let headers: HTTPFields = [.authorization: "Bearer \(adminToken)", .ifNoneMatch: ifNoneMatch]
        return try await client.execute(uri: uri, method: .get, headers: headers, body: nil) { response in
            Answer(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }
}
