import Logging
import PostgresNIO

/// One replay of a read model at a time, across every process on the
/// database: a session advisory lock (class 4, key hashtext(shadow schema))
/// held for the whole replay on a connection of its own. When the replaying
/// process dies, the lock goes with its connection, and `replay --clean` (or
/// the next replay) may take the shadow over.
enum ReplayLock {
    private static let lock = SessionAdvisoryLock(lockClass: 4)

    /// Runs `body` holding the lock of `schema`; nil, without running it, when another session holds it.
    static func whileHeld<Result: Sendable>(
        _ schema: String, on connection: PostgresConnection, logger: Logger,
        _ body: () async throws -> Result
    ) async throws -> Result? {
        guard try await lock.tryAcquire(schema, on: connection, logger: logger) else { return nil }
        let result: Result
        do {
            result = try await body()
        } catch {
            // Also when the body was cancelled: the connection goes back to the pool.
            try? await Task { try await lock.release(schema, on: connection, logger: logger) }.value
            throw error
        }
        try await Task { try await lock.release(schema, on: connection, logger: logger) }.value
        return result
    }
}

public struct ReplayInProgress: Error, CustomStringConvertible {
    public var readModel: String
    public var description: String { "another process is replaying \(readModel) now" }
}
