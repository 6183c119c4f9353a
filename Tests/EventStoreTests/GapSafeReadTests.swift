import EventStore
import Foundation
import PostgresNIO
import TestSupport
import Testing

@Suite("Reading the log without skipping anything")
struct GapSafeReadTests {
    @Test("a reader does not move past an open transaction's event, and reads both once it commits")
    func heldTransaction() async throws {
        try await TestDatabase.with { database in
            let logger = database.logger
            let eventA = SampleEvents.votes(1, workspace: "a")
            let eventB = SampleEvents.votes(1, workspace: "b")
            try await database.app.withConnection { writerA in
                try await writerA.query("BEGIN", logger: logger)
                let positionA = try await EventLog.append(eventA, to: "a", on: writerA, logger: logger).positions[0]
                let positionB = try await database.log.append(eventB, to: "b").positions[0]
                #expect(positionB > positionA)

                // B has committed, but A (older) has not: nothing may be read past A.
                let whileOpen = try await database.log.read(after: .beginning, limit: 100)
                #expect(whileOpen.events.isEmpty)
                #expect(whileOpen.checkpoint == .beginning)

                try await writerA.query("COMMIT", logger: logger)
            }
            let afterCommit = try await database.log.drain(from: .beginning, expecting: 2)
            #expect(afterCommit.events.map(\.id) == [eventA[0].id, eventB[0].id])
            let again = try await database.log.read(after: afterCommit.checkpoint, limit: 100)
            #expect(again.events.isEmpty)
        }
    }

    @Test("a later transaction that commits first is not skipped by a reader already past it")
    func lateCommitNotSkipped() async throws {
        try await TestDatabase.with { database in
            let logger = database.logger
            try await database.log.append(SampleEvents.votes(1, workspace: "first"), to: "first")
            let early = try await database.log.drain(from: .beginning, expecting: 1)
            #expect(early.events.count == 1)
            let late = SampleEvents.votes(1, workspace: "late")
            let quick = SampleEvents.votes(1, workspace: "quick")
            try await database.app.withConnection { slowWriter in
                try await slowWriter.query("BEGIN", logger: logger)
                try await EventLog.append(late, to: "late", on: slowWriter, logger: logger)
                try await database.log.append(quick, to: "quick")
                try await slowWriter.query("COMMIT", logger: logger)
            }
            let rest = try await database.log.drain(from: early.checkpoint, expecting: 2)
            #expect(Set(rest.events.map(\.id)) == [late[0].id, quick[0].id])
            #expect(rest.events.count == 2)
        }
    }

    @Test("8 writers with pauses and rollbacks: the reader sees every committed event once, no rolled-back one")
    func stress() async throws {
        try await TestDatabase.with { database in
            let logger = database.logger
            let writers = 8
            let eventsPerWriter = 5_000
            let done = Locked(false)

            // Reads while the writers write, until they are done.
            async let reading: ReadBatch = {
                var seen: [RecordedEvent] = []
                var checkpoint = Checkpoint.beginning
                while !done.value {
                    let batch = try await database.log.read(after: checkpoint, limit: 1_000)
                    #expect(batch.checkpoint >= checkpoint)
                    checkpoint = batch.checkpoint
                    seen += batch.events
                    if batch.events.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
                }
                return ReadBatch(events: seen, checkpoint: checkpoint)
            }()

            let results = try await withThrowingTaskGroup(of: (committed: [UUID], rolledBack: [UUID]).self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        var generator = SystemRandomNumberGenerator()
                        var committed: [UUID] = []
                        var rolledBack: [UUID] = []
                        try await database.app.withConnection { connection in
                            while committed.count < eventsPerWriter {
                                let size = min(
                                    Int.random(in: 1...100, using: &generator), eventsPerWriter - committed.count)
                                let events = SampleEvents.votes(size, workspace: "writer-\(writer)")
                                let stream = "stress-\(writer)-\(Int.random(in: 0..<3, using: &generator))"
                                try await connection.query("BEGIN", logger: logger)
                                try await EventLog.append(events, to: stream, on: connection, logger: logger)
                                if Bool.random(using: &generator) {
                                    try await Task.sleep(for: .milliseconds(Int.random(in: 0...3, using: &generator)))
                                }
                                if Int.random(in: 0..<10, using: &generator) == 0 {
                                    try await connection.query("ROLLBACK", logger: logger)
                                    rolledBack += events.map(\.id)
                                } else {
                                    try await connection.query("COMMIT", logger: logger)
                                    committed += events.map(\.id)
                                }
                            }
                        }
                        return (committed, rolledBack)
                    }
                }
                return try await group.reduce(into: [(committed: [UUID], rolledBack: [UUID])]()) { $0.append($1) }
            }
            done.set(true)
            let concurrent = try await reading
            let committedCount = results.reduce(0) { $0 + $1.committed.count }
            let rest = try await database.log.drain(
                from: concurrent.checkpoint,
                expecting: committedCount - concurrent.events.count
            )
            let seen = concurrent.events + rest.events
            #expect(try await database.log.read(after: rest.checkpoint, limit: 10).events.isEmpty)

            let committed = Set(results.flatMap(\.committed))
            let rolledBack = Set(results.flatMap(\.rolledBack))
            let seenIDs = seen.map(\.id)
            #expect(committed.count == writers * eventsPerWriter)
            #expect(seenIDs.count == Set(seenIDs).count, "an event was read twice")
            #expect(Set(seenIDs) == committed, "the reader missed committed events or saw others")
            #expect(Set(seenIDs).isDisjoint(with: rolledBack))
            #expect(seen.map(\.checkpoint) == seen.map(\.checkpoint).sorted(), "events came out of order")
        }
    }
}
