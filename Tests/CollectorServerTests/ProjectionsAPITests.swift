import CollectorServer
import EventStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import NPSDomain
import Projections
import TestSupport
import Testing

@Suite("GET /api/v1/projections and the lag in /metrics")
struct ProjectionsAPITests {
    @Test("projectors in the server fold uploads; analysts and admins see where each projection is; others may not")
    func statusOverHTTP() async throws {
        let registry = MetricsBootstrap.registry
        try await TestDatabase.with { database in
            let services = CollectorServices(database: database.app, logger: database.logger)
            let workspaceToken = try await services.workspaces.register("ws1", metadata: .init(sender: "test")).token
            let analystToken = try await services.tokens.create(scope: .analyst).token
            let adminToken = try await services.tokens.create(scope: .admin).token
            _ = try await services.campaigns.announce(
                .init(id: "c1", startAt: Date().addingTimeInterval(-60), expireAt: Date().addingTimeInterval(3_600)),
                allowShortNotice: true,
                metadata: .init(sender: "test")
            )
            // As `serve` runs them: the projectors and the lag reporter are services of the application.
            var application = Application(
                router: buildRouter(database: database.app, logger: database.logger, metrics: registry))
            application.addServices(
                ProjectorService(
                    client: database.app, configuration: ProjectorConfiguration(pollInterval: .milliseconds(100)),
                    logger: database.logger),
                ProjectionLagReporter(
                    store: ProjectionStore(client: database.app, logger: database.logger), interval: .milliseconds(100))
            )
            try await application.test(.live) { client in
                let upload = Votes.batch([Votes.item(1, score: 9), Votes.item(2, score: 10), Votes.item(3, score: 2)])
                try await client.execute(
                    uri: "/v1/surveys/c1/results", method: .post, headers: [.authorization: "Bearer \(workspaceToken)"],
                    body: ByteBuffer(string: upload)
                ) { #expect($0.status == .ok) }

                func statuses(_ token: String) async throws -> JSONValue {
                    try await client.execute(
                        uri: "/api/v1/projections", method: .get, headers: [.authorization: "Bearer \(token)"]
                    ) { response in
                        #expect(response.status == .ok)
                        return try JSONValue.parse(Array(String(buffer: response.body).utf8))
                    }
                }
                // Wait until every projection has folded the upload and is owned by this process.
                var seen = JSONValue.null
                let deadline = ContinuousClock.now + .seconds(120)
                while ContinuousClock.now < deadline {
                    seen = try await statuses(analystToken)
                    let all = seen.arrayValue ?? []
                    if !all.isEmpty,
                        all.allSatisfy({ $0["lag"]?["events"] == .number(0) && $0["owner"]?.stringValue != nil })
                    {
                        break
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
                let all = try #require(seen.arrayValue)
                #expect(all.compactMap { $0["name"]?.stringValue } == ProjectionCatalog.all.map(\.name))
                for status in all {
                    #expect(status["state"] == .string("running"), "\(status)")
                    #expect(status["lag"]?["events"] == .number(0), "\(status)")
                    #expect(status["owner"]?.stringValue?.isEmpty == false, "\(status)")
                    #expect(status["error"] == nil, "\(status)")
                }
                #expect(try await statuses(adminToken).arrayValue?.count == all.count)

                let summary = try await CampaignSummaryQuery(client: database.app, logger: database.logger)
                    .summary(of: "c1")
                #expect(summary?.distribution.counts == [0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1])

                try await client.execute(
                    uri: "/api/v1/projections", method: .get, headers: [.authorization: "Bearer \(workspaceToken)"]
                ) { response in
                    #expect(response.status == .forbidden)
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
                try await client.execute(uri: "/api/v1/projections", method: .get) { response in
                    #expect(response.status == .unauthorized)
                }

                // The lag reaches /metrics from the reporter, whoever owns the projections.
                var metrics = ""
                let metricsDeadline = ContinuousClock.now + .seconds(120)
                while ContinuousClock.now < metricsDeadline,
                    !metrics.contains(#"nps_projection_lag_events{projection="votes/0"} 0"#)
                {
                    metrics = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(metrics.contains(#"nps_projection_lag_events{projection="votes/0"} 0"#))
                #expect(metrics.contains(#"nps_projection_lag_seconds{projection="campaigns"}"#))
                #expect(metrics.contains(#"nps_projection_halted{projection="workspaces"} 0"#))
            }
        }
    }
}
