import EventStore
import Foundation
import Logging
import PostgresNIO
import Projections
import TestSupport
import Testing

/// The projectors' database goes away (a cluster of this test's own, stopped
/// and started again) while they run: they back off, never crash, and fold
/// what arrives once it is back, without a restart.
@Suite("Projectors across a database outage", .serialized)
struct ProjectorOutageTests {
    @Test("stopped and started again: the projectors back off, then fold the new events, without a restart")
    func outage() async throws {
        let tool = DatabaseTool()
        defer { tool.destroyNow() }
        let urls = try await tool.startMigrated()
        let appURL = try DatabaseURL(urls.app)
        let logger = Logger.quiet
        // The test writes and looks through clients of its own, so that only the
        // projectors' client lives through the outage: it is what is under test.
        let backlog = Backlog(workspaces: 6, chunkSize: 500)
        try await withPostgresClient(appURL, logger: logger) { writer in
            try await backlog.append(votes: 1_000, using: writer, logger: logger)
        }
        func caughtUp(within timeout: Duration) async throws -> [ProjectionStatus] {
            try await withPostgresClient(appURL, maximumConnections: 1, logger: logger) { observer in
                let store = ProjectionStore(client: observer, logger: logger)
                var last: [ProjectionStatus] = []
                let deadline = ContinuousClock.now + timeout
                while ContinuousClock.now < deadline {
                    last = try await store.status()
                    if last.allSatisfy({ $0.lag.events == 0 && $0.eventsApplied > 0 && $0.owner != nil }) { break }
                    try await Task.sleep(for: .milliseconds(200))
                }
                return last
            }
        }

        try await withPostgresClient(appURL, logger: logger) { database in
            let service = ProjectorService(
                client: database,
                configuration: ProjectorConfiguration(pollInterval: .milliseconds(100), maximumBackoff: .seconds(2)),
                logger: logger)
            let projectors = Task { try await service.run() }
            defer { projectors.cancel() }

            let before = try await caughtUp(within: .seconds(180))
            #expect(before.allSatisfy { $0.lag.events == 0 && $0.owner != nil }, "\(before.map(\.summary))")

            // `stop -m fast -w` returns once the server is down and has closed the
            // projectors' connections: they must reconnect whenever it comes back.
            #expect(try await tool("stop").status == 0)
            #expect(try await tool("start").status == 0)

            let more = Backlog(workspaces: 6, prefix: "later-", chunkSize: 500)
            try await withPostgresClient(appURL, logger: logger) { writer in
                try await more.append(votes: 500, using: writer, logger: logger)
            }
            let after = try await caughtUp(within: .seconds(180))
            #expect(
                after.allSatisfy { $0.lag.events == 0 && $0.state == .running && $0.owner != nil },
                "\(after.map(\.summary))")
            let votes = try await withPostgresClient(appURL, logger: logger) { observer in
                try await observer.query(
                    "SELECT count(*)::int8 FROM current_votes WHERE workspace_id LIKE 'later-%'", logger: logger
                ).collect().first?.decode(Int.self)
            }
            #expect(votes == more.distinctKeys(votes: 500))
        }
    }
}
