import EventStore
import Foundation
import PostgresNIO
import TestSupport
import Testing

@Suite("Appending")
struct AppendTests {
    @Test("a batch gets consecutive stream versions and increasing positions")
    func batch() async throws {
        try await TestDatabase.with { database in
            let result = try await database.log.append(SampleEvents.votes(5), to: "s", expectedVersion: .noStream)
            #expect(result.outcomes.map(\.streamVersion) == [1, 2, 3, 4, 5])
            #expect(result.positions == result.positions.sorted())
            #expect(result.repeatCount == 0)
            let next = try await database.log.append(SampleEvents.votes(2), to: "s", expectedVersion: .exactly(5))
            #expect(next.outcomes.map(\.streamVersion) == [6, 7])
        }
    }

    @Test("the same event id twice is one event, reported as a repeat")
    func idempotent() async throws {
        try await TestDatabase.with { database in
            let events = SampleEvents.votes(2)
            let first = try await database.log.append(events, to: "s")
            let second = try await database.log.append(events, to: "s")
            #expect(second.repeatCount == 2)
            #expect(second.appendedCount == 0)
            #expect(second.positions == first.positions)
            #expect(try await database.eventCount() == 2)

            // A retry that mixes a repeat with a new event writes only the new one.
            let mixed = try await database.log.append([events[0]] + SampleEvents.votes(1, workspace: "w2"), to: "s")
            #expect(mixed.outcomes.map(\.isRepeat) == [true, false])
            #expect(mixed.outcomes[1].streamVersion == 3)
            #expect(try await database.eventCount() == 3)
        }
    }

    @Test("a retried batch succeeds even though its expected version is now stale")
    func retriedBatchIgnoresStaleVersion() async throws {
        try await TestDatabase.with { database in
            let events = SampleEvents.votes(2)
            try await database.log.append(events, to: "s", expectedVersion: .noStream)
            let retry = try await database.log.append(events, to: "s", expectedVersion: .noStream)
            #expect(retry.repeatCount == 2)
        }
    }

    @Test("two concurrent appends with the same expected version: one wins, the other writes nothing")
    func optimisticConcurrency() async throws {
        try await TestDatabase.with { database in
            let logger = database.logger
            let winner = SampleEvents.votes(3)
            let loser = SampleEvents.votes(4, workspace: "w2")
            // The first writer holds its transaction open while the second one tries.
            let loserError: (any Error)? = try await database.app.withConnection { first in
                try await first.query("BEGIN", logger: logger)
                try await EventLog.append(winner, to: "s", expectedVersion: .noStream, on: first, logger: logger)
                async let second: (any Error)? = {
                    do {
                        try await database.log.append(loser, to: "s", expectedVersion: .noStream)
                        return nil
                    } catch {
                        return error
                    }
                }()
                try await Task.sleep(for: .milliseconds(200))
                try await first.query("COMMIT", logger: logger)
                return await second
            }
            let error = try #require(loserError as? WrongExpectedVersion)
            #expect(error.streamID == "s")
            #expect(error.actual == 3)
            #expect(try await database.eventCount() == 3)
        }
    }

    @Test("racing appends without transactions: exactly one batch lands")
    func racingAppends() async throws {
        try await TestDatabase.with { database in
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        let events = SampleEvents.votes(10, workspace: "w\(writer)")
                        return (try? await database.log.append(events, to: "s", expectedVersion: .noStream)) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            let stored = try await database.eventCount()
            #expect(outcomes.count { $0 } == 1)
            #expect(stored == 10)
        }
    }

    @Test("the same id twice in one batch is refused")
    func duplicateInBatch() async throws {
        try await TestDatabase.with { database in
            let event = SampleEvents.votes(1)[0]
            await #expect(throws: PSQLError.self) {
                try await database.log.append([event, event], to: "s")
            }
            let stored = try await database.eventCount()
            #expect(stored == 0)
        }
    }

    @Test("payload and metadata are stored as given and read back")
    func roundTrip() async throws {
        try await TestDatabase.with { database in
            let event = NewEvent(
                type: "VoteCast",
                schemaVersion: 1,
                payload: #"{"comment":"ça va 👍 \"quoted\"","score":9}"#,
                metadata: #"{"sender":"w1"}"#
            )
            try await database.log.append([event], to: "s")
            let batch = try await database.log.drain(from: .beginning, expecting: 1)
            let read = try #require(batch.events.first)
            #expect(read.id == event.id)
            #expect(read.type == "VoteCast")
            #expect(read.streamID == "s")
            #expect(read.streamVersion == 1)
            let payload = try JSONSerialization.jsonObject(with: Data(read.payload.utf8)) as? [String: Any]
            #expect(payload?["comment"] as? String == "ça va 👍 \"quoted\"")
            #expect(payload?["score"] as? Int == 9)
            #expect(read.metadata.contains("\"w1\""))
        }
    }
}
