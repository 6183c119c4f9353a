import CollectorServer
import EventStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import Metrics
import NPSDomain
import PostgresNIO
import Prometheus
import TestSupport
import Testing

@Suite("Admin API and tokens")
struct AdminAPITests {
    @Test("campaigns: announce, refuse with specific reasons, close")
    func campaigns() async throws {
        try await Collector.with { collector in
            func announce(_ body: String) async throws -> Collector.Answer {
                try await collector.request(.post, "/api/v1/campaigns", token: collector.adminToken, body: body)
            }
            let created = try await announce(
                #"{"id":"c1","startAt":"2030-03-01T00:00:00Z","expireAt":"2030-03-15T00:00:00Z","roles":["user"]}"#
            )
            #expect(created.status == .created)
            #expect(created.json["state"] == .string("scheduled"))
            #expect(created.json["roles"] == .array([.string("user")]))

            let inverted = try await announce(
                #"{"id":"c2","startAt":"2030-05-01T00:00:00Z","expireAt":"2030-04-01T00:00:00Z"}"#)
            #expect(inverted.status == .unprocessableContent)
            #expect(
                inverted.json["detail"]?.stringValue?.hasPrefix(
                    "expireAt (2030-04-01T00:00:00.000Z) must be after startAt") == true)

            let soon = collector.clock.now.addingTimeInterval(86_400)
            let short = try await announce(
                #"{"id":"c3","startAt":"\#(EventJSON.formatTimestamp(soon))","expireAt":"2030-06-01T00:00:00Z"}"#
            )
            #expect(short.status == .unprocessableContent)
            #expect(short.json["detail"]?.stringValue?.contains("less than the notice period (21 days)") == true)

            let overlap = try await announce(
                #"{"id":"c4","startAt":"2030-03-10T00:00:00Z","expireAt":"2030-04-01T00:00:00Z"}"#)
            #expect(overlap.status == .conflict)
            #expect(overlap.json["detail"] == .string("the dates overlap open campaign c1"))

            let closed = try await collector.request(.post, "/api/v1/campaigns/c1/close", token: collector.adminToken)
            #expect(closed.json["state"] == .string("closed"))
            let again = try await collector.request(.post, "/api/v1/campaigns/c1/close", token: collector.adminToken)
            #expect(again.status == .conflict)
            #expect(try await collector.eventCounts()["CampaignAnnounced"] == 1)
            #expect(try await collector.eventCounts()["CampaignClosed"] == 1)
        }
    }

    @Test("two announcements at once cannot both pass the overlap check")
    func concurrentAnnouncements() async throws {
        try await Collector.with { collector in
            let results = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<4 {
                    group.addTask {
                        let answer = try? await collector.request(
                            .post,
                            "/api/v1/campaigns",
                            token: collector.adminToken,
                            body:
                                #"{"id":"c\#(index)","startAt":"2030-03-01T00:00:00Z","expireAt":"2030-03-15T00:00:00Z"}"#
                        )
                        return answer?.status == .created
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            let announced = try await collector.eventCounts()["CampaignAnnounced"]
            #expect(results.count { $0 } == 1)
            #expect(announced == 1)
        }
    }

    @Test("workspaces and tokens over HTTP; tokens are stored hashed and shown once")
    func tokens() async throws {
        try await Collector.with(workspaces: []) { collector in
            let registered = try await collector.request(
                .post,
                "/api/v1/workspaces",
                token: collector.adminToken,
                body: #"{"workspaceId":"ws7"}"#
            )
            #expect(registered.status == .created)
            let token = try #require(registered.json["token"]?.stringValue)
            #expect(token.hasPrefix("nps_"))
            #expect(token.count >= 4 + 43)
            #expect(token.dropFirst(4).allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            #expect(try await collector.request(.get, "/v1/surveys/x", token: token).status == .notFound)

            // Only the SHA-256 is stored: no row holds the token itself.
            let stored = try await collector.database.owner.query(
                """
                SELECT count(*) FILTER (WHERE token_hash = sha256(convert_to(\(token), 'UTF8')))::int8,
                       count(*) FILTER (WHERE strpos(t::text, \(String(token.dropFirst(4)))) > 0)::int8
                  FROM api_tokens t
                """,
                logger: collector.database.logger
            ).collect().first?.decode((Int, Int).self)
            #expect(stored?.0 == 1)
            #expect(stored?.1 == 0)

            let invalid = try await collector.request(
                .post,
                "/api/v1/workspaces",
                token: collector.adminToken,
                body: #"{"workspaceId":"a/b"}"#
            )
            #expect(invalid.status == .unprocessableContent)

            let analyst = try await collector.request(
                .post,
                "/api/v1/tokens",
                token: collector.adminToken,
                body: #"{"scope":"analyst","label":"product"}"#
            )
            #expect(analyst.status == .created)
            let id = try #require(analyst.json["id"]?.stringValue)
            #expect(
                try await collector.request(.delete, "/api/v1/tokens/\(id)", token: collector.adminToken).status
                    == .noContent)
            #expect(
                try await collector.request(.delete, "/api/v1/tokens/\(id)", token: collector.adminToken).status
                    == .notFound)
            let workspaceScope = try await collector.request(
                .post,
                "/api/v1/tokens",
                token: collector.adminToken,
                body: #"{"scope":"workspace"}"#
            )
            #expect(workspaceScope.status == .unprocessableContent)
        }
    }

    @Test("/metrics counts votes by outcome, in Prometheus text")
    func metrics() async throws {
        let registry = MetricsBootstrap.registry
        try await TestDatabase.with { database in
            let collector = buildRouter(database: database.app, logger: database.logger, metrics: registry)
            let services = CollectorServices(database: database.app, logger: database.logger)
            let token = try await services.workspaces.register("ws1", metadata: .init(sender: "test")).token
            _ = try await services.campaigns.announce(
                .init(id: "c1", startAt: Date().addingTimeInterval(-60), expireAt: Date().addingTimeInterval(3_600)),
                allowShortNotice: true,
                metadata: .init(sender: "test")
            )
            try await Application(router: collector).test(.router) { client in
                func accepted() async throws -> Double {
                    let text = try await client.execute(uri: "/metrics", method: .get) { response in
                        #expect(response.status == .ok)
                        #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                        return String(buffer: response.body)
                    }
                    let line = text.split(separator: "\n").first {
                        $0.hasPrefix(#"nps_votes_total{outcome="accepted"}"#)
                    }
                    return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) } ?? 0
                }
                let before = try await accepted()
                try await client.execute(
                    uri: "/v1/surveys/c1/results",
                    method: .post,
                    headers: [.authorization: "Bearer \(token)"],
                    body: ByteBuffer(string: Votes.batch([Votes.item(1, score: 9), Votes.item(2, score: 4)]))
                ) { #expect($0.status == .ok) }
                #expect(try await accepted() >= before + 2)
            }
        }
    }
}

/// swift-metrics takes one backend per process: the test process's is this registry.
enum MetricsBootstrap {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}
