import EventStore
import Logging
import PostgresNIO

/// A read model: tables folded from the log by one projector, never written
/// by anything else, always rebuildable from the log alone.
public protocol Projection: Sendable {
    /// Its key in the `projections` table and its advisory lock: the read
    /// model's name, and `/shard` for a shard of a read model folded in parts.
    var name: String { get }
    /// The read model it folds (all shards of one read model share its tables).
    var readModel: String { get }
    /// Raised when its tables or rules change; a new version is rebuilt from the log.
    var version: Int { get }
    /// The tables it owns, in the order its fold writes them (a replay locks them in that order).
    var tables: [String] { get }
    /// Columns, by table, that the fold keeps for itself and that say how the
    /// batches fell rather than what the log holds: two folds of one log may
    /// differ there, so `replay --verify` leaves them out.
    var bookkeepingColumns: [String: [String]] { get }
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
///
/// A read model folded in shards takes `(shard, shards, ...)` first: each
/// shard folds the events of its own workspaces (`hashtext(workspace id)`),
/// with its own checkpoint and owner, so the shards run in parallel on as
/// many connections, processes or machines.
public struct SQLProjection: Projection {
    public let name: String
    public let readModel: String
    public let version: Int
    public let tables: [String]
    public let bookkeepingColumns: [String: [String]]
    /// A constant of this module, never input: it is spliced into the query.
    let function: String
    let shard: Shard?

    struct Shard: Sendable {
        var index: Int
        var count: Int
    }

    init(name: String, version: Int, function: String, tables: [String]) {
        self.init(
            name: name, readModel: name, version: version, tables: tables, bookkeepingColumns: [:],
            function: function, shard: nil)
    }

    /// The shards of one read model, named `name/0`, `name/1`, ...
    static func shards(
        _ count: Int, name: String, version: Int, function: String, tables: [String],
        bookkeepingColumns: [String: [String]] = [:]
    )
        -> [SQLProjection]
    {
        (0..<count).map { index in
            SQLProjection(
                name: "\(name)/\(index)", readModel: name, version: version, tables: tables,
                bookkeepingColumns: bookkeepingColumns, function: function, shard: Shard(index: index, count: count))
        }
    }

    private init(
        name: String, readModel: String, version: Int, tables: [String], bookkeepingColumns: [String: [String]],
        function: String, shard: Shard?
    ) {
        self.name = name
        self.readModel = readModel
        self.version = version
        self.tables = tables
        self.bookkeepingColumns = bookkeepingColumns
        self.function = function
        self.shard = shard
    }

    public func apply(_ range: EventRange, on connection: PostgresConnection, logger: Logger) async throws {
        let after = (String(range.after.transactionID), range.after.position)
        let through = (String(range.through.transactionID), range.through.position)
        let query: PostgresQuery
        if let shard {
            query = """
                SELECT \(unescaped: function)(\(Int32(shard.index)), \(Int32(shard.count)),
                    \(after.0)::xid8, \(after.1), \(through.0)::xid8, \(through.1))
                """
        } else {
            query = """
                SELECT \(unescaped: function)(\(after.0)::xid8, \(after.1), \(through.0)::xid8, \(through.1))
                """
        }
        // The function's own error arrives with its (empty) result, so the result is read to the end.
        _ = try await connection.query(query, logger: logger).collect()
    }
}
