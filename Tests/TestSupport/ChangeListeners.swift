import EventStore
import Synchronization

/// The change listeners of the collectors a test runs, by database: what a
/// test changes behind a collector's back (the projections it runs itself, a
/// purge, a replay) reaches the collector's copies in memory by notification,
/// so waiting for the projections also waits until the listeners were told.
public enum ChangeListeners {
    private static let listeners = Mutex<[String: [ChangeNotifications]]>([:])

    public static func register(_ changes: ChangeNotifications, for database: TestDatabase) {
        listeners.withLock { $0[database.ownerURL.database, default: []].append(changes) }
    }

    public static func unregister(_ changes: ChangeNotifications, for database: TestDatabase) {
        listeners.withLock { $0[database.ownerURL.database]?.removeAll { $0 === changes } }
    }

    /// Returns once every listener of `database` has applied what committed before the call.
    public static func delivered(_ database: TestDatabase) async {
        for changes in listeners.withLock({ $0[database.ownerURL.database] ?? [] }) {
            await changes.delivered()
        }
    }
}
