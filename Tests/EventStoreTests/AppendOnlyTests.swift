import EventStore
import PostgresNIO
import TestSupport
import Testing

@Suite("The log refuses UPDATE, DELETE and TRUNCATE")
struct AppendOnlyTests {
    static let statements = [
        "UPDATE event_log SET event_type = 'Changed'",
        "DELETE FROM event_log",
        "TRUNCATE event_log",
    ]

    @Test("as the application role: no privilege", arguments: statements)
    func applicationRole(statement: String) async throws {
        try await TestDatabase.with { database in
            try await database.log.append(SampleEvents.votes(3), to: "votes-c1-w1")
            let error = try await #require(throws: PSQLError.self) {
                try await database.app.query(PostgresQuery(unsafeSQL: statement), logger: database.logger)
            }
            #expect(error.serverInfo?[.sqlState] == "42501")  // insufficient_privilege
            #expect(try await database.eventCount() == 3)
        }
    }

    @Test("as the owner: the trigger raises", arguments: statements)
    func ownerRole(statement: String) async throws {
        try await TestDatabase.with { database in
            try await database.log.append(SampleEvents.votes(3), to: "votes-c1-w1")
            let error = try await #require(throws: PSQLError.self) {
                try await database.owner.query(PostgresQuery(unsafeSQL: statement), logger: database.logger)
            }
            #expect(error.serverInfo?[.sqlState] == "NP002")
            #expect(error.serverInfo?[.message]?.contains("append-only") == true)
            #expect(try await database.eventCount() == 3)
        }
    }
}
