import PostgresNIO
import Synchronization

/// Raised when the pool has not handed out a connection in time.
public struct ConnectionLeaseTimedOut: Error, CustomStringConvertible {
    public var timeout: Duration
    public var description: String { "no connection from the pool within \(timeout)" }
}

extension PostgresClient {
    /// `withConnection` for holders of long-lived connections (projectors,
    /// the LISTEN connection): gives up when the pool has not handed out a
    /// connection within `timeout`. After the database comes back from an
    /// outage, PostgresNIO 1.33's pool can leave a lease request waiting for
    /// a connection it never opens; cancelling the request and asking again
    /// gets one. The timeout covers the wait only, not `body`.
    public func withConnection<Result: Sendable>(
        leaseTimeout timeout: Duration,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let leased = LeaseFlag()
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                try await self.withConnection { connection in
                    leased.raise()
                    return try await body(connection)
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                if leased.isRaised { return nil }
                throw ConnectionLeaseTimedOut(timeout: timeout)
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            throw CancellationError()
        }
    }
}

private final class LeaseFlag: Sendable {
    private let raised = Mutex(false)
    func raise() { raised.withLock { $0 = true } }
    var isRaised: Bool { raised.withLock { $0 } }
}
