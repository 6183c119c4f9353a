import PostgresNIO
import Synchronization

/// Tells an event the projection cannot apply (halt there) from trouble
/// with the database (back off and try again).
enum ProjectionFailure {
    /// SQLSTATE classes that say nothing about the events: transaction state
    /// (25), connection (08), transaction rollback such as deadlock or
    /// serialization (40), a missing or wrong schema object, as before the
    /// migrations ran (42), resources (53), object state such as a lock not
    /// available (55), operator intervention such as a shutdown or a
    /// cancelled query (57), system (58).
    private static let transientClasses: Set<Substring> = ["08", "25", "40", "42", "53", "55", "57", "58"]

    /// True when the database refused the batch because of what it contains.
    static func isCausedByEvents(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return !transientClasses.contains(state.prefix(2))
    }

    /// What the status shows: the server's own words, which name the value it could not take.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError, let info = error.serverInfo else { return String(describing: error) }
        let state = info[.sqlState] ?? "?????"
        let message = info[.message] ?? "no message"
        return "SQLSTATE \(state): \(message)"
    }
}

/// The checkpoint moved after the projector read it (a replay swapped its
/// rebuild in): the batch was rolled back before it applied anything.
struct CheckpointMoved: Error, CustomStringConvertible {
    var projection: String
    var description: String { "the checkpoint of \(projection) moved under its owner; the batch was rolled back" }
}

/// The projector's connection closed (the server restarted, the network
/// dropped): its lock went with it, and the projector starts over on a new
/// connection.
struct ConnectionLost: Error, CustomStringConvertible {
    var description: String { "the projector's database connection closed" }

    /// Runs `body` in a task of its own, which cancellation does not reach (a
    /// batch in flight finishes at shutdown), and returns its result, unless
    /// `connection` closes first: then throws at once and leaves the task
    /// behind. PostgresNIO 1.33 may never answer a query written to a
    /// connection as it closes, and a projector holds its connection for as
    /// long as it owns the projection, so without this it could wait forever.
    static func racing<Result: Sendable>(
        _ connection: PostgresConnection, _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let answered = Mutex(false)
        return try await withCheckedThrowingContinuation { continuation in
            let resume: @Sendable (Swift.Result<Result, any Error>) -> Void = { result in
                let first = answered.withLock { done in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume(with: result) }
            }
            Task {
                do { resume(.success(try await body())) } catch { resume(.failure(error)) }
            }
            connection.closeFuture.whenComplete { _ in resume(.failure(ConnectionLost())) }
        }
    }
}
