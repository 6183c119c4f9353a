import Synchronization

/// Counts the results uploads in flight per workspace, so that one token
/// cannot take the whole database pool (each upload holds a connection for
/// its transaction, and waits on its stream's lock behind the others of the
/// same workspace and campaign). In memory, per process.
final class UploadsInFlight: Sendable {
    let limit: Int
    private let counts = Mutex<[String: Int]>([:])

    init(limit: Int) { self.limit = limit }

    /// Takes a place for `workspaceID`; false when it already has `limit` uploads in flight.
    func enter(_ workspaceID: String) -> Bool {
        counts.withLock { counts in
            let current = counts[workspaceID, default: 0]
            guard current < limit else { return false }
            counts[workspaceID] = current + 1
            return true
        }
    }

    func leave(_ workspaceID: String) {
        counts.withLock { counts in
            let remaining = counts[workspaceID, default: 1] - 1
            counts[workspaceID] = remaining > 0 ? remaining : nil
        }
    }
}
