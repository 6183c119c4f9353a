import EventStore
import Foundation
import Logging
import PostgresNIO
import TestSupport
import Testing

@Suite("Waiting for appends")
struct NotificationTests {
    @Test("an append wakes a waiting reader through NOTIFY, well before the poll timeout")
    func wakesOnAppend() async throws {
        try await expectWakesWaitingReader { database in
            try await database.log.append(SampleEvents.votes(1), to: "s")
        }
    }

    @Test("an append in a writer's own transaction wakes a waiting reader once the transaction commits")
    func wakesAfterTransaction() async throws {
        try await expectWakesWaitingReader { database in
            let logger = database.logger
            _ = try await database.log.inTransaction { connection in
                try await EventLog.append(SampleEvents.votes(1), to: "s", on: connection, logger: logger)
            }
        }
    }

    @Test("a wait returns at once when an append came after the reader's last look")
    func noLostWakeUp() async throws {
        try await withListener { database, notifications in
            let seen = await notifications.generation
            try await database.log.append(SampleEvents.votes(1), to: "s")
            while await notifications.generation == seen { try await Task.sleep(for: .milliseconds(10)) }
            // Already signalled: must not sleep for the timeout.
            let start = ContinuousClock.now
            await notifications.wait(since: seen, timeout: .seconds(60))
            #expect(ContinuousClock.now - start < .seconds(30))
        }
    }

    @Test("an appending transaction commits without a NOTIFY of its own, which would serialise every writer's commit")
    func appendsCommitWithoutNotifying() async throws {
        try await TestDatabase.with { database in
            let logger = database.logger
            try await database.app.withConnection { listener in
                try await listener.listen(on: EventLog.notificationChannel) { notifications in
                    _ = try await database.app.inTransaction(logger: logger) { connection in
                        try await EventLog.append(SampleEvents.votes(3), to: "s", on: connection, logger: logger)
                    }
                    try await database.app.withConnection { connection in
                        _ = try await connection.query(
                            "SELECT pg_notify(\(EventLog.notificationChannel), 'after the append')", logger: logger)
                    }
                    // Notifications arrive in commit order: one sent by the append would come first.
                    var received = notifications.makeAsyncIterator()
                    #expect(try await received.next()?.payload == "after the append")
                }
            }
        }
    }

    @Test("without notifications a wait ends at its timeout (the poll fallback)")
    func timeout() async throws {
        let notifications = AppendNotifications(logger: .init(label: "test"))
        let seen = await notifications.generation
        await notifications.wait(since: seen, timeout: .milliseconds(50))
        #expect(await notifications.generation == seen)
    }

    /// Waits for an append, with a poll timeout of 60 s, while `append` runs: its notification must end the wait long before.
    private func expectWakesWaitingReader(after append: (TestDatabase) async throws -> Void) async throws {
        try await withListener { database, notifications in
            let seen = await notifications.generation
            let start = ContinuousClock.now
            async let waited: Void = notifications.wait(since: seen, timeout: .seconds(60))
            try await Task.sleep(for: .milliseconds(100))
            try await append(database)
            await waited
            #expect(await notifications.generation > seen)
            #expect(ContinuousClock.now - start < .seconds(30))
        }
    }

    /// `body` with a listener subscribed to the log's notifications.
    private func withListener(_ body: (TestDatabase, AppendNotifications) async throws -> Void) async throws {
        try await TestDatabase.with { database in
            let notifications = AppendNotifications(logger: database.logger)
            let listener = Task { await notifications.listen(using: database.app) }
            defer { listener.cancel() }
            // The listener announces itself once subscribed.
            while await notifications.generation == 0 { try await Task.sleep(for: .milliseconds(10)) }
            try await body(database, notifications)
        }
    }
}
