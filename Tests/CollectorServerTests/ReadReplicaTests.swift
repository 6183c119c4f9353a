import CollectorServer
import EventStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import Logging
import NPSDomain
import PostgresNIO
import Projections
import TestSupport
import Testing

/// The query API reading from a real hot standby (`./tools/db replica`),
/// while ingest and projectors use the primary.
@Suite("Query API on a streaming replica", .serialized)
struct ReadReplicaTests {
    @Test("caught up, the replica answers as the primary does; stopped, the query API answers 503 and ingest goes on")
    func replica() async throws {
        let tool = DatabaseTool()
        defer { tool.destroyNow() }
        let urls = try await tool.startMigrated()
        let logger = Logger.quiet
        let replicaStart = try await tool("replica", "start")
        #expect(replicaStart.status == 0, "\(replicaStart.output)")
        let replicaURL = try #require(
            replicaStart.output.split(separator: "\n").first { $0.hasPrefix("QUERY_DATABASE_URL=") }
                .map { String($0.dropFirst("QUERY_DATABASE_URL=".count)) })

        try await withPostgresClient(try DatabaseURL(urls.app), logger: logger) { primary in
            try await withPostgresClient(try DatabaseURL(replicaURL), logger: logger) { replica in
                let services = CollectorServices(database: primary, logger: logger)
                let analyst = try await services.tokens.create(scope: .analyst).token
                let workspace = try await services.workspaces.register("replica-ws", metadata: .init(sender: "test"))
                    .token
                let start = Date().addingTimeInterval(-3_600)
                _ = try await services.campaigns.announce(
                    .init(id: "replica-c1", startAt: start, expireAt: start.addingTimeInterval(14 * 86_400)),
                    allowShortNotice: true, metadata: .init(sender: "test"))

                let onPrimary = Application(router: buildRouter(database: primary, logger: logger))
                let onReplica = Application(
                    router: buildRouter(database: primary, queryClient: replica, logger: logger))
                let reads = [
                    "/api/v1/campaigns", "/api/v1/campaigns/replica-c1/summary",
                    "/api/v1/campaigns/replica-c1/breakdown?by=role", "/api/v1/campaigns/replica-c1/workspaces",
                ]
                try await onReplica.test(.router) { replicaClient in
                    let scores = [10, 9, 9, 8, 7, 3, 0, 10, 6, 9]
                    let items = scores.enumerated().map { Votes.item($0.offset, score: $0.element) }
                    let upload = try await replicaClient.post(
                        "/v1/surveys/replica-c1/results", token: workspace, body: Votes.batch(items))
                    #expect(upload.status == .ok)

                    try await catchUp(primary, logger: logger)
                    try await waitForReplay(primary: primary, replica: replica, logger: logger)

                    try await onPrimary.test(.router) { primaryClient in
                        for path in reads {
                            let expected = try await primaryClient.get(path, token: analyst)
                            let answered = try await replicaClient.get(path, token: analyst)
                            #expect(expected.status == .ok, "\(path): \(expected.body)")
                            #expect(answered.status == expected.status, "\(path)")
                            #expect(answered.body == expected.body, "\(path)")
                            #expect(answered.headers[.readPosition] == expected.headers[.readPosition], "\(path)")
                            #expect(answered.headers[.readPosition] != nil, "\(path)")
                        }
                    }
                    #expect(try await tool("replica", "stop").status == 0)
                    let asked = ContinuousClock.now
                    let summary = try await replicaClient.get("/api/v1/campaigns/replica-c1/summary", token: analyst)
                    #expect(summary.status == .serviceUnavailable, "\(summary.body)")
                    #expect(summary.headers[.retryAfter] != nil)
                    // A generous bound (the deadline is 5 s) that a minute-long wait would break.
                    #expect(ContinuousClock.now - asked < .seconds(30), "the 503 took \(ContinuousClock.now - asked)")
                    let more = try await replicaClient.post(
                        "/v1/surveys/replica-c1/results", token: workspace,
                        body: Votes.batch([Votes.item(100, score: 10)]))
                    #expect(more.status == .ok, "ingest must not depend on the replica: \(more.body)")
                }
            }
        }
    }

    func catchUp(_ client: PostgresClient, logger: Logger) async throws {
        for projection in ProjectionCatalog.all {
            _ = try await Projector(
                projection: projection, client: client, configuration: ProjectorConfiguration(), logger: logger
            ).catchUp()
        }
    }

    /// Waits until the replica has replayed everything the primary has written
    /// so far. The insert position, not the write position: projectors commit
    /// asynchronously, so their last commit may not be written out yet.
    func waitForReplay(primary: PostgresClient, replica: PostgresClient, logger: Logger) async throws {
        let head = try await primary.query("SELECT pg_current_wal_insert_lsn()::text", logger: logger)
            .collect().first?.decode(String.self)
        let lsn = try #require(head)
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let replayed = try await replica.query(
                "SELECT pg_last_wal_replay_lsn() >= \(lsn)::pg_lsn", logger: logger
            ).collect().first?.decode(Bool.self)
            if replayed == true { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the replica did not replay up to \(lsn) within 30 s")
    }
}

private struct Reply {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: String
}

extension TestClientProtocol {
    fileprivate func get(_ uri: String, token: String) async throws -> Reply {
        try await execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(token)"]) {
            Reply(status: $0.status, headers: $0.headers, body: String(buffer: $0.body))
        }
    }

    fileprivate func post(_ uri: String, token: String, body: String) async throws -> Reply {
        try await execute(
            uri: uri, method: .post,
            headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
            body: ByteBuffer(string: body)
        ) { Reply(status: $0.status, headers: $0.headers, body: String(buffer: $0.body)) }
    }
}
