import Logging
import PostgresNIO

extension PostgresClient {
    /// Runs `body` in a transaction on one pooled connection: COMMIT when it
    /// returns, ROLLBACK when it throws, and the body's own error rethrown
    /// unwrapped (PostgresNIO's `withTransaction` wraps it). The connection is
    /// `leased`: a request waits for it at most its `ConnectionWait`.
    public func inTransaction<Result: Sendable>(
        logger: Logger,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await leased { connection in
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
            await rollBack(logger: logger)
            throw error
        }
        try await query("COMMIT", logger: logger)
        return result
    }
}

extension PostgresConnection {
    /// ROLLBACK from a task of its own, which the caller's cancellation does
    /// not reach: a connection that went back to the pool inside a
    /// transaction would hold every gap-safe reader of the cluster back
    /// (xmin) until its next user ended it. A failed ROLLBACK is logged,
    /// and the connection is **not** closed: PostgresNIO 1.33.2's
    /// pool keeps a connection that closed while leased and hands it out
    /// again, and a query written to it never answers (docs/operations.md,
    /// "Known problems"), so closing it would turn one failed transaction
    /// into requests that hang for ever.
    public func rollBack(logger: Logger) async {
        let failure = await Task { () -> (any Error)? in
            do {
                try await self.query("ROLLBACK", logger: logger)
                return nil
            } catch {
                return error
            }
        }.value
        if let failure {
            logger.error(
                "ROLLBACK failed; the connection goes back to the pool as it is",
                metadata: ["error": "\(String(reflecting: type(of: failure)))"])
        }
    }
}
