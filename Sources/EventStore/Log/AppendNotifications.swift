import Foundation
import Logging
import PostgresNIO

/// Wakes readers when events are appended (PostgreSQL LISTEN on
/// `EventLog.notificationChannel`), with a timeout so that a lost
/// notification or a dropped listener connection only delays a reader: it
/// then polls.
///
/// Use: note `generation`, read the log, and if the read came back empty call
/// `wait(since:timeout:)` with the noted generation; an append that landed
/// between the read and the wait is not missed.
public actor AppendNotifications {
    public private(set) var generation: UInt64 = 0
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Listens until the task is cancelled, reconnecting with backoff.
    public func listen(using client: PostgresClient, leaseTimeout: Duration = .seconds(5)) async {
        await client.listening(
            on: EventLog.notificationChannel, leaseTimeout: leaseTimeout, logger: logger,
            whenLost: "event log listener lost its connection; readers poll until it is back"
        ) { _, notifications in
            // Appends made while we were not listening are caught by waking everyone once.
            await self.signal()
            for try await _ in notifications {
                await self.signal()
            }
        }
    }

    /// Returns at the next append after `seen`, at once if one already came, or after `timeout`.
    public func wait(since seen: UInt64, timeout: Duration) async {
        guard generation == seen, !Task.isCancelled else { return }
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters[id] = continuation
                Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    await self?.resume(id)
                }
            }
        } onCancel: {
            Task { await self.resume(id) }
        }
    }

    private func signal() {
        generation &+= 1
        let woken = waiters
        waiters.removeAll()
        for continuation in woken.values { continuation.resume() }
    }

    private func resume(_ id: UUID) {
        waiters.removeValue(forKey: id)?.resume()
    }
}
