import Logging
import PostgresNIO
import Synchronization

extension PostgresClient {
    /// LISTENs on `channel` with one connection of the pool until the task is
    /// cancelled: `consume` gets the connection and its notifications; when
    /// the connection is lost, `lost` runs, a warning is logged, and after a
    /// backoff (100 ms doubling to 5 s, from 100 ms again once a subscription
    /// stood) it listens again.
    func listening(
        on channel: String,
        leaseTimeout: Duration,
        logger: Logger,
        whenLost warning: Logger.Message,
        lost: () -> Void = {},
        _ consume: @escaping @Sendable (PostgresConnection, PostgresNotificationSequence) async throws -> Void
    ) async {
        var backoff = Duration.milliseconds(100)
        while !Task.isCancelled {
            let subscribed = Mutex(false)
            do {
                try await withConnection(leaseTimeout: leaseTimeout) { connection in
                    try await connection.listen(on: channel) { notifications in
                        subscribed.withLock { $0 = true }
                        try await consume(connection, notifications)
                    }
                }
            } catch {
                lost()
                if Task.isCancelled { return }
                logger.warning(warning, metadata: ["error": "\(String(reflecting: type(of: error)))"])
            }
            if subscribed.withLock({ $0 }) { backoff = .milliseconds(100) }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(5))
        }
    }
}
