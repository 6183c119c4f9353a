import Logging
import PostgresNIO

/// How long work started for a client's request waits for a pooled connection.
///
/// PostgresNIO's pool keeps a lease request waiting while it cannot connect, until
/// its circuit breaker trips after a minute; a Rocket.Chat server's upload during
/// an outage would hang that long, and a burst beyond the pool would queue without
/// bound. A request states its limit once (`ConnectionWaitMiddleware`); every
/// lease of the ingest goes through `leased`, which reads it. Background work
/// (projectors, retention) states none and waits as the pool does, or gives
/// its own `leaseTimeout`.
public enum ConnectionWait {
    /// NPS_DB_CONNECTION_WAIT: the default of `serve`.
    public static let defaultLimit = Duration.seconds(10)
    /// The limit of the current task; nil waits as long as the pool keeps the request.
    @TaskLocal public static var limit: Duration?
}

extension PostgresClient {
    /// A connection for `body`, waited for at most `ConnectionWait.limit`; beyond it,
    /// `ConnectionLeaseTimedOut` (a 503 with `Retry-After` for an HTTP client).
    public func leased<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        guard let limit = ConnectionWait.limit else { return try await withConnection(body) }
        return try await withConnection(leaseTimeout: limit, body)
    }

    /// One statement on a `leased` connection, its rows read in full.
    @discardableResult
    public func leasedQuery(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await leased { connection in try await connection.query(query, logger: logger).collect() }
    }
}
