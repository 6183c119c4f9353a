import Logging
import PostgresNIO

/// One replay of a read model at a time, across every process on the
/// database: a session advisory lock (class 4, key hashtext(shadow schema))
/// held for the whole replay on a connection of its own. When the replaying
/// process dies, the lock goes with its connection, and `replay --clean` (or
/// the next replay) may take the shadow over. Class 1 is the migrations'
/// lock, 2 the streams', 3 the projections'.
enum ReplayLock {
    static let lockClass: Int32 = 4

    static func tryAcquire(_ schema: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query(
            "SELECT pg_try_advisory_lock(\(lockClass), hashtext(\(schema)))", logger: logger)
        for try await acquired in rows.decode(Bool.self) { return acquired }
        return false
    }

    /// Must run before the connection goes back to the pool, or the lock would stay with it.
    static func release(_ schema: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_unlock(\(lockClass), hashtext(\(schema)))", logger: logger)
    }

    /// Runs `body` holding the lock of `schema`; nil, without running it, when another session holds it.
    static func whileHeld<Result: Sendable>(
        _ schema: String, on connection: PostgresConnection, logger: Logger,
        _ body: () async throws -> Result
    ) async throws -> Result? {
        guard try await tryAcquire(schema, on: connection, logger: logger) else { return nil }
        let result: Result
        do {
            result = try await body()
        } catch {
            // Also when the body was cancelled: the connection goes back to the pool.
            try? await Task { try await release(schema, on: connection, logger: logger) }.value
            throw error
        }
        try await Task { try await release(schema, on: connection, logger: logger) }.value
        return result
    }
}

public struct ReplayInProgress: Error, CustomStringConvertible {
    public var readModel: String
    public var description: String { "another process is replaying \(readModel) now" }
}
