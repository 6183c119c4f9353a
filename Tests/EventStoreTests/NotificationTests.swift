import EventStore
import Foundation
import Logging
import TestSupport
import Testing

@Suite("Waiting for appends")
struct NotificationTests {
    @Test("an append wakes a waiting reader through NOTIFY, well before the poll timeout")
    func wakesOnAppend() async throws {
        try await TestDatabase.with { database in
            let notifications = AppendNotifications(logger: database.logger)
            let listener = Task { await notifications.listen(using: database.app) }
            defer { listener.cancel() }
            // The listener announces itself once subscribed.
            while await notifications.generation == 0 { try await Task.sleep(for: .milliseconds(10)) }

            let seen = await notifications.generation
            let start = ContinuousClock.now
            async let waited: Void = notifications.wait(since: seen, timeout: .seconds(60))
            try await Task.sleep(for: .milliseconds(100))
            try await database.log.append(SampleEvents.votes(1), to: "s")
            await waited
            #expect(await notifications.generation > seen)
            #expect(ContinuousClock.now - start < .seconds(30))
        }
    }

    @Test("a wait returns at once when an append came after the reader's last look")
    func noLostWakeUp() async throws {
        try await TestDatabase.with { database in
            let notifications = AppendNotifications(logger: database.logger)
            let listener = Task { await notifications.listen(using: database.app) }
            defer { listener.cancel() }
            while await notifications.generation == 0 { try await Task.sleep(for: .milliseconds(10)) }
            let seen = await notifications.generation
            try await database.log.append(SampleEvents.votes(1), to: "s")
            while await notifications.generation == seen { try await Task.sleep(for: .milliseconds(10)) }
            // Already signalled: must not sleep for the timeout.
            let start = ContinuousClock.now
            await notifications.wait(since: seen, timeout: .seconds(60))
            #expect(ContinuousClock.now - start < .seconds(30))
        }
    }

    @Test("without notifications a wait ends at its timeout (the poll fallback)")
    func timeout() async throws {
        let notifications = AppendNotifications(logger: .init(label: "test"))
        let seen = await notifications.generation
        await notifications.wait(since: seen, timeout: .milliseconds(50))
        #expect(await notifications.generation == seen)
    }
}
