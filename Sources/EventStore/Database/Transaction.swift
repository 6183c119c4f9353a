import Logging
import PostgresNIO

extension PostgresClient {
    /// Runs `body` in a transaction on one pooled connection: COMMIT when it
    /// returns, ROLLBACK when it throws, and the body's own error rethrown
    /// unwrapped (PostgresNIO's `withTransaction` wraps it).
    public func inTransaction<Result: Sendable>(
        logger: Logger,
        _ body: @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection { connection in
            try await connection.inTransaction(logger: logger, body)
        }
    }
}

extension PostgresConnection {
    public func inTransaction<Result: Sendable>(
        logger: Logger,
        _ body: @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await query("BEGIN", logger: logger)
        let result: Result
        do {
            result = try await body(self)
        } catch {
            // Rolled back from a task of its own, which the caller's
            // cancellation does not reach: a connection that went back to
            // the pool inside a transaction would hold every gap-safe reader
            // of the cluster back (xmin) for as long as it lived. Closed when
            // even the rollback fails.
            let rolledBack = await Task { (try? await self.query("ROLLBACK", logger: logger)) != nil }.value
            if !rolledBack { try? await close() }
            throw error
        }
        try await query("COMMIT", logger: logger)
        return result
    }
}
