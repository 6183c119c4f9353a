import EventStore
import Logging
import PostgresNIO

/// A read model: tables folded from the log by one projector, never written
/// by anything else, always rebuildable from the log alone.
public protocol Projection: Sendable {
    /// Its key in the `projections` table and its advisory lock.
    var name: String { get }
    /// Raised when its tables or rules change; a new version is rebuilt from the log.
    var version: Int { get }
    /// The tables it owns, in an order that can be emptied one after the other.
    var tables: [String] { get }
    /// Folds the events of `range` into its tables, on the projector's
    /// connection and inside its transaction. Throws when an event cannot be applied.
    func apply(_ range: EventRange, on connection: PostgresConnection, logger: Logger) async throws
}

/// The events after one checkpoint up to and including another, in the
/// gap-safe read order. Every transaction that wrote into a range handed out
/// by `event_batch_end` has ended, so the range holds the same rows whenever
/// it is read.
public struct EventRange: Sendable, Equatable, CustomStringConvertible {
    public var after: Checkpoint
    public var through: Checkpoint
    public var events: Int

    public init(after: Checkpoint, through: Checkpoint, events: Int) {
        self.after = after
        self.through = through
        self.events = events
    }

    public var description: String { "(\(after), \(through)] (\(events) events)" }
}

/// A projection whose fold is one SQL function `function(after_transaction,
/// after_position, through_transaction, through_position)`: whole batches are
/// applied set-based inside PostgreSQL, which is where the data already is.
public struct SQLProjection: Projection {
    public let name: String
    public let version: Int
    public let tables: [String]
    /// A constant of this module, never input: it is spliced into the query.
    let function: String

    init(name: String, version: Int, function: String, tables: [String]) {
        self.name = name
        self.version = version
        self.function = function
        self.tables = tables
    }

    public func apply(_ range: EventRange, on connection: PostgresConnection, logger: Logger) async throws {
        // The function's own error arrives with its (empty) result, so the result is read to the end.
        _ = try await connection.query(
            """
            SELECT \(unescaped: function)(
                \(String(range.after.transactionID))::xid8, \(range.after.position),
                \(String(range.through.transactionID))::xid8, \(range.through.position))
            """,
            logger: logger
        ).collect()
    }
}
