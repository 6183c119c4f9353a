import Logging
import PostgresNIO

/// A session-level advisory lock of one class, keyed by `hashtext(name)`:
/// held by the connection that took it until it releases it or closes, so
/// a process that dies lets go of it with its connection. Classes: 1 the
/// migrations', 2 the streams' (transaction-level), 3 the projections'
/// owners (`ProjectionOwnership`), 4 the replays (`ReplayLock`).
struct SessionAdvisoryLock: Sendable {
    let lockClass: Int32

    func tryAcquire(_ name: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query(
            "SELECT pg_try_advisory_lock(\(lockClass), hashtext(\(name)))", logger: logger)
        for try await acquired in rows.decode(Bool.self) { return acquired }
        return false
    }

    /// Must run before the connection goes back to the pool, or the lock would stay with it.
    func release(_ name: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_unlock(\(lockClass), hashtext(\(name)))", logger: logger)
    }
}
