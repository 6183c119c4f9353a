import Logging
import PostgresNIO
import Synchronization

/// Wakes the log's readers (`AppendNotifications`, in any process) after
/// appends commit, with `NOTIFY nps_event_log` sent from outside the writers'
/// transactions.
///
/// A NOTIFY inside an appending transaction makes its commit take one lock
/// per database and hold it until the commit record is flushed, so writers
/// that notify commit one fsync at a time: with `pgbench -c 8` on this
/// project's machines, 14,580–15,817 single-row inserts a second, and
/// 4,307–4,716 with a NOTIFY in the same transaction (docs/benchmarks.md,
/// "e2e"). Here the writers commit without it, and one
/// notification at a time goes out for however many appends committed
/// meanwhile, with `synchronous_commit` off (it carries no data, so a crash
/// may lose it: readers poll anyway).
///
/// An append made outside `EventLog` (an operator's SQL, `purge_workspace`)
/// announces nothing; readers find it at their poll interval.
public final class AppendAnnouncer: Sendable {
    private enum State {
        case idle
        case sending
        /// Appends committed while a notification was on its way: one more follows it.
        case sendingAgain
    }

    private let client: PostgresClient
    private let logger: Logger
    private let state = Mutex(State.idle)

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Call after a transaction that appended has committed.
    public func announce() {
        let start = state.withLock { state -> Bool in
            switch state {
            case .idle:
                state = .sending
                return true
            case .sending, .sendingAgain:
                state = .sendingAgain
                return false
            }
        }
        // Unstructured on purpose: the writer's answer must not wait for the readers' wake-up.
        if start { Task { await self.send() } }
    }

    private func send() async {
        repeat {
            do {
                try await client.withConnection { connection in
                    _ = try await connection.query(
                        """
                        SELECT set_config('synchronous_commit', 'off', true),
                               pg_notify(\(EventLog.notificationChannel), '')
                        """,
                        logger: logger)
                }
            } catch {
                logger.debug(
                    "an append notification was not sent; readers poll",
                    metadata: ["error": "\(String(reflecting: type(of: error)))"])
            }
        } while state.withLock { state -> Bool in
            if case .sendingAgain = state {
                state = .sending
                return true
            }
            state = .idle
            return false
        }
    }
}
