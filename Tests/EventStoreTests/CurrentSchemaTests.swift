import EventStore
import TestSupport
import Testing

/// schema/current.sql, the whole schema in one readable file, is what the
/// migrations make of an empty database.
@Suite("schema/current.sql")
struct CurrentSchemaTests {
    @Test("schema/current.sql is the schema of a freshly migrated database")
    func committedIsCurrent() async throws {
        try await TestDatabase.with { database in
            let schema = try await SchemaDump.normalised(database.ownerURL)
            #expect(schema.contains("CREATE TABLE public.event_log ("))
            if schema != (try SchemaDump.committed()) {
                Issue.record(
                    Comment(rawValue: try await SchemaDump.mismatch(schema, of: "a freshly migrated database")))
            }
        }
    }
}
