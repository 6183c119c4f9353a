import EventStore
import PostgresNIO
import TestSupport
import Testing

/// What every session the collector opens states when it connects (DatabaseURL.clientConfiguration).
@Suite("Session settings")
struct SessionSettingsTests {
    @Test("JIT compilation is off: it cost more than the short statements it would speed up")
    func jitOff() async throws {
        try await TestDatabase.with { database in
            for client in [database.app, database.owner] {
                let rows = try await client.query("SHOW jit", logger: database.logger)
                var values: [String] = []
                for try await value in rows.decode(String.self) { values.append(value) }
                #expect(values == ["off"])
            }
        }
    }
}
