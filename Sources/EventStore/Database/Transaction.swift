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
            _ = try? await query("ROLLBACK", logger: logger)
            throw error
        }
        try await query("COMMIT", logger: logger)
        return result
    }
}
