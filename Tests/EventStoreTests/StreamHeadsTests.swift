import EventStore
import Foundation
import Logging
import PostgresNIO
import TestSupport
import Testing

/// `stream_heads` and its trigger are the guard of a stream's numbering
/// (`schema/triggers/event_log_stream_heads.sql`): these insert around
/// `append_events`, as an owner's SQL or a benchmark's fixture would.
@Suite("Every stream stays numbered from 1 without gaps or repeats, whoever inserts")
struct StreamHeadsTests {
    @Test("an insert that repeats or skips a version, or starts a stream past 1, is refused and writes nothing")
    func numbering() async throws {
        try await TestDatabase.with { database in
            try await database.log.append(SampleEvents.votes(3), to: "s")
            for versions: [Int64] in [[3], [5], [4, 4], [4, 6]] {
                let error = await #expect(throws: PSQLError.self) {
                    try await Self.insert("s", versions: versions, database.owner, database.logger)
                }
                #expect(error?.serverInfo?[.sqlState] == "23505", "versions \(versions)")
            }
            let startsPastOne = await #expect(throws: PSQLError.self) {
                try await Self.insert("t", versions: [2], database.owner, database.logger)
            }
            #expect(startsPastOne?.serverInfo?[.message]?.contains("of stream t") == true)
            #expect(try await database.eventCount() == 3)

            try await Self.insert("s", versions: [5, 4], database.owner, database.logger)
            #expect(try await database.log.lastEvent(of: "s")?.streamVersion == 5)
            let appended = try await database.log.append(SampleEvents.votes(1, workspace: "w2"), to: "s")
            #expect(appended.outcomes.map(\.streamVersion) == [6])
            #expect(try await database.log.readStream("s").map(\.streamVersion) == [1, 2, 3, 4, 5, 6])
        }
    }

    @Test("a writer that waits on another's insert into the same stream is refused when that one commits")
    func concurrentInsert() async throws {
        try await TestDatabase.with { database in
            let logger = database.logger
            try await database.log.append(SampleEvents.votes(3), to: "s")
            let secondError: PSQLError? = try await database.owner.withConnection { first in
                try await first.query("BEGIN", logger: logger)
                try await first.query(Self.insertion("s", versions: [4]), logger: logger)
                async let second: PSQLError? = {
                    do {
                        try await Self.insert("s", versions: [4], database.owner, logger)
                        return nil
                    } catch let error as PSQLError {
                        return error
                    }
                }()
                // The second insert reaches the head row and waits for this transaction.
                let deadline = ContinuousClock.now + .seconds(120)
                var waiting = false
                while !waiting && ContinuousClock.now < deadline {
                    waiting =
                        try await database.owner.query(
                            """
                            SELECT count(*)::int8 FROM pg_stat_activity
                             WHERE datname = current_database() AND wait_event_type = 'Lock'
                               AND query LIKE 'INSERT INTO event_log%'
                            """, logger: logger
                        ).collect().first?.decode(Int.self) ?? 0 > 0
                    if !waiting { try await Task.sleep(for: .milliseconds(20)) }
                }
                #expect(waiting, "the second insert never waited for the first")
                try await first.query("COMMIT", logger: logger)
                return try await second
            }
            #expect(secondError?.serverInfo?[.sqlState] == "23505")
            #expect(try await database.eventCount() == 4)
            #expect(try await database.log.lastEvent(of: "s")?.streamVersion == 4)
        }
    }

    private static func insertion(_ stream: String, versions: [Int64]) -> PostgresQuery {
        """
        INSERT INTO event_log (event_id, stream_id, stream_version, event_type, schema_version, payload)
        SELECT gen_random_uuid(), \(stream), version, 'Note', 1, '{}'
          FROM unnest(\(versions)::int8[]) AS version
        """
    }

    private static func insert(
        _ stream: String, versions: [Int64], _ client: PostgresClient, _ logger: Logger
    ) async throws {
        try await client.query(insertion(stream, versions: versions), logger: logger)
    }
}
