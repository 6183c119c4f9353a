import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Tells in-memory copies of database state (verified tokens, the campaign
/// book) when they may no longer be used, across every process on the
/// database: the triggers of `schema/triggers/notify_change.sql` send
/// `NOTIFY nps_changes, '<topic>'` in the transaction that changes a topic's
/// rows, and `listen(using:)` turns each into a new generation of that topic.
///
/// A copy is taken at the `generation(of:)` read *before* its query and used
/// only while the generation is still the same. The generation is nil, so
/// nothing is used from memory, unless the listener is connected and has
/// received, within `staleAfter`, a heartbeat it sent itself on the same
/// channel. PostgreSQL delivers notifications in commit order, so a
/// heartbeat received means every change committed before it was sent has
/// been applied: a change made anywhere is never served from memory more
/// than `staleAfter` after it committed, even when the listener's connection
/// hangs without closing. Every (re)connection starts new generations, since
/// notifications sent while nobody listened are lost.
public final class ChangeNotifications: Sendable {
    public enum Topic: String, CaseIterable, Sendable {
        /// `api_tokens`: a token revoked, deleted or changed.
        case tokens
        /// The `campaigns` stream: a campaign announced, closed or changed.
        case campaigns
        /// `projections` (a projector's batch, a replay's swap) and purges: the read-model version.
        case readModels = "read_models"
    }

    public static let channel = "nps_changes"
    /// How often the listener sends itself a heartbeat.
    public static let heartbeatInterval = Duration.milliseconds(200)
    /// Without a heartbeat sent this recently and received back, nothing is used from memory
    /// (the default of `init`, and what `serve` runs with).
    public static let staleAfter = Duration.seconds(1)
    /// Without one for this long, the listener gives its connection up and connects again.
    public static let reconnectAfter = Duration.seconds(5)

    private struct State {
        var generations: [Topic: UInt64] = [:]
        /// When the newest heartbeat received back was sent.
        var confirmedAt: ContinuousClock.Instant?
        var heartbeatsSent: [UInt64: ContinuousClock.Instant] = [:]
        var nextHeartbeat: UInt64 = 0
    }

    private let state = Mutex(State())
    /// Tells this listener's heartbeats from other processes' on the shared channel.
    private let heartbeatPrefix = "heartbeat:\(UUID().uuidString.lowercased()):"
    private let logger: Logger
    private let staleAfter: Duration
    private let reconnectAfter: Duration

    /// `staleAfter` and `reconnectAfter` other than the defaults are for tests that prove a copy is
    /// used: on a loaded machine a heartbeat can come back later than a second, and then nothing is
    /// used from memory, which is the point in production but not what such a test checks.
    public init(
        logger: Logger, staleAfter: Duration = ChangeNotifications.staleAfter,
        reconnectAfter: Duration = ChangeNotifications.reconnectAfter
    ) {
        self.logger = logger
        self.staleAfter = staleAfter
        self.reconnectAfter = reconnectAfter
    }

    /// The topic's generation, or nil while copies in memory may not be trusted.
    public func generation(of topic: Topic) -> UInt64? {
        state.withLock { state in
            guard let confirmedAt = state.confirmedAt, ContinuousClock.now - confirmedAt < staleAfter else {
                return nil
            }
            return state.generations[topic, default: 0]
        }
    }

    /// Returns once every change committed before the call has been applied
    /// here (a heartbeat sent after the call came back), at once when not
    /// listening (nothing is used from memory then), or false after
    /// `timeout`. For whoever changed something elsewhere and must see it
    /// here next (tests, mostly).
    @discardableResult
    public func delivered(timeout: Duration = .seconds(60)) async -> Bool {
        let asked = ContinuousClock.now
        let end = asked + timeout
        while ContinuousClock.now < end {
            if state.withLock({ ($0.confirmedAt ?? .now) > asked }) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    /// Starts a new generation here at once, for a change this process made
    /// itself: its own next request must not wait for the notification.
    public func changed(_ topic: Topic) {
        state.withLock { $0.generations[topic, default: 0] &+= 1 }
    }

    /// Listens until the task is cancelled, reconnecting with backoff.
    public func listen(using client: PostgresClient, leaseTimeout: Duration = .seconds(5)) async {
        await client.listening(
            on: Self.channel, leaseTimeout: leaseTimeout, logger: logger,
            whenLost:
                "change listener lost its connection; tokens and campaigns are read from the database until it is back",
            lost: disconnected
        ) { connection, notifications in
            self.connected()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await notification in notifications {
                        self.received(notification.payload)
                    }
                    throw ListenerEnded()
                }
                group.addTask {
                    // A connection that hangs without closing answers nothing: connect again.
                    while true {
                        try await Task.sleep(for: .seconds(1))
                        if self.heartbeatOverdue() { throw HeartbeatOverdue() }
                    }
                }
                group.addTask {
                    while true {
                        try await Task.sleep(for: Self.heartbeatInterval)
                        let payload = self.heartbeatPrefix + String(self.sendingHeartbeat())
                        // A NOTIFY commits a transaction with an id: nothing in it needs to wait for the disk.
                        _ = try await connection.query(
                            """
                            SELECT set_config('synchronous_commit', 'off', true), pg_notify(\(Self.channel), \(payload))
                            """, logger: self.logger
                        ).collect()
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
        disconnected()
    }

    private func connected() {
        state.withLock { state in
            for topic in Topic.allCases { state.generations[topic, default: 0] &+= 1 }
            state.confirmedAt = .now
        }
    }

    private func sendingHeartbeat() -> UInt64 {
        state.withLock { state in
            state.nextHeartbeat &+= 1
            state.heartbeatsSent[state.nextHeartbeat] = .now
            return state.nextHeartbeat
        }
    }

    private func heartbeatOverdue() -> Bool {
        state.withLock { state in
            state.confirmedAt.map { ContinuousClock.now - $0 > reconnectAfter } ?? false
        }
    }

    private func disconnected() {
        state.withLock { state in
            state.confirmedAt = nil
            state.heartbeatsSent.removeAll()
        }
    }

    /// An unknown payload changes every topic: a newer schema may notify of
    /// something this build does not know. Other listeners' heartbeats change nothing.
    private func received(_ payload: String) {
        state.withLock { state in
            if payload.hasPrefix(heartbeatPrefix) {
                guard let number = UInt64(payload.dropFirst(heartbeatPrefix.count)),
                    let sentAt = state.heartbeatsSent[number]
                else { return }
                state.confirmedAt = max(state.confirmedAt ?? sentAt, sentAt)
                state.heartbeatsSent = state.heartbeatsSent.filter { $0.key > number }
                return
            }
            if payload.hasPrefix("heartbeat:") { return }
            let topics = Topic(rawValue: payload).map { [$0] } ?? Topic.allCases
            for topic in topics { state.generations[topic, default: 0] &+= 1 }
        }
    }

    private struct ListenerEnded: Error {}
    private struct HeartbeatOverdue: Error {}
}
