import CollectorServer
import EventStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import Logging
import NPSDomain
import PostgresNIO
import TestSupport
import Testing

@Suite("The database going away and coming back", .serialized)
struct DatabaseOutageTests {
    /// How long a request waits for a pooled connection here (`NPS_DB_CONNECTION_WAIT`): short, so
    /// that the outage's refusals are prompt, yet far above a connection's set-up on a loaded machine.
    static let connectionWait = Duration.seconds(5)

    @Test(
        "503 with Retry-After within the connection wait while it is down, nothing half-written, uploads work again without a server restart"
    )
    func outage() async throws {
        let tool = DatabaseTool()
        defer { tool.destroyNow() }
        let urls = try await tool.startMigrated()
        let logger = Logger.quiet
        try await withPostgresClient(try DatabaseURL(urls.app), logger: logger) { database in
            let services = CollectorServices(database: database, logger: logger)
            let token = try await services.workspaces.register("ws1", metadata: .init(sender: "test")).token
            _ = try await services.campaigns.announce(
                .init(id: "c1", startAt: Date().addingTimeInterval(-60), expireAt: Date().addingTimeInterval(86_400)),
                allowShortNotice: true,
                metadata: .init(sender: "test")
            )
            let app = Application(
                router: buildRouter(database: database, logger: logger, connectionWait: Self.connectionWait))
            try await app.test(.router) { client in
                var next = 0
                /// Uploads ten new voters; returns the status and the voters sent.
                func upload() async throws -> (HTTPResponse.Status, String?, ClosedRange<Int>) {
                    let voters = next...(next + 9)
                    next += 10
                    let body = Votes.batch(voters.map { Votes.item($0, score: $0 % 11) })
                    return try await client.execute(
                        uri: "/v1/surveys/c1/results",
                        method: .post,
                        headers: [.authorization: "Bearer \(token)"],
                        body: ByteBuffer(string: body)
                    ) { ($0.status, $0.headers[.retryAfter], voters) }
                }

                var accepted: Set<Int> = []
                var refused: Set<Int> = []
                for _ in 0..<3 {
                    let (status, _, voters) = try await upload()
                    #expect(status == .ok)
                    accepted.formUnion(voters)
                }

                #expect(try await tool("stop").status == 0)
                for _ in 0..<2 {
                    let asked = ContinuousClock.now
                    let (status, retryAfter, voters) = try await upload()
                    #expect(status == .serviceUnavailable)
                    #expect(retryAfter == "5")
                    // Without the wait, PostgresNIO's pool keeps the request until its circuit
                    // breaker trips after 60 s; the margin over 5 s is for a loaded machine.
                    #expect(ContinuousClock.now - asked < .seconds(45), "the refusal waited for the pool")
                    refused.formUnion(voters)
                }

                _ = try await tool.start()
                let restarted = ContinuousClock.now
                var recovered = false
                // The pool retries with a backoff that tops out at 60 seconds.
                let deadline = ContinuousClock.now + .seconds(180)
                while !recovered, ContinuousClock.now < deadline {
                    let (status, _, voters) = try await upload()
                    if status == .ok {
                        accepted.formUnion(voters)
                        recovered = true
                    } else {
                        #expect(status == .serviceUnavailable)
                        refused.formUnion(voters)
                        try await Task.sleep(for: .milliseconds(500))
                    }
                }
                #expect(recovered, "uploads did not succeed again after the database came back")
                print("recovered \(ContinuousClock.now - restarted) after the database came back")

                let logged = try await database.query(
                    "SELECT payload->>'identifier' FROM event_log WHERE event_type = 'VoteCast'",
                    logger: logger
                ).collect().map { try $0.decode(String.self) }
                #expect(logged.count == accepted.count)
                #expect(Set(logged) == Set(accepted.map(Votes.identifier)))
                #expect(Set(logged).isDisjoint(with: refused.map(Votes.identifier)))
            }
        }
    }
}
