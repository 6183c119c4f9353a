import EventStore
import Foundation
import Logging
import PostgresNIO

/// Where each projection is: its row of the `projections` table
/// (`schema/0011_projections.sql`).
public struct ProjectionStore: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// One projection's row as a projector needs it.
    struct State: Sendable {
        var version: Int
        var checkpoint: Checkpoint
        var isHalted: Bool
    }

    static func register(
        _ projection: any Projection, owner: String, on connection: PostgresConnection, logger: Logger
    )
        async throws
    {
        try await connection.query(
            """
            INSERT INTO projections AS known (name, version, owner) VALUES (\(projection.name), \(projection.version), \(owner))
                ON CONFLICT (name) DO UPDATE SET owner = excluded.owner
            """,
            logger: logger
        )
    }

    static func state(of name: String, on connection: PostgresConnection, logger: Logger) async throws -> State {
        let rows = try await connection.query(
            """
            SELECT version, transaction_id::text, position, halted_error IS NOT NULL
              FROM projections WHERE name = \(name)
            """,
            logger: logger
        )
        for try await (version, transactionID, position, isHalted) in rows.decode((Int32, String, Int64, Bool).self) {
            return State(
                version: Int(version),
                checkpoint: Checkpoint(transactionID: UInt64(transactionID) ?? 0, position: position),
                isHalted: isHalted
            )
        }
        throw UnregisteredProjection(name: name)
    }

    /// Locks the projection's row until the caller's transaction ends, if its
    /// checkpoint is still `checkpoint` and it is not halted. False otherwise:
    /// the caller read a checkpoint that has moved since.
    static func lock(
        _ name: String, at checkpoint: Checkpoint, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let rows = try await connection.query(
            """
            SELECT 1 FROM projections
             WHERE name = \(name) AND halted_error IS NULL
               AND transaction_id = \(String(checkpoint.transactionID))::xid8 AND position = \(checkpoint.position)
               FOR UPDATE
            """,
            logger: logger
        )
        return try await rows.collect().count == 1
    }

    /// Moves the checkpoint to `new`, in the transaction that locked the row
    /// at the old one (`lock`), so nothing can have moved it meanwhile.
    static func advance(
        _ name: String, to new: Checkpoint, events: Int, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            UPDATE projections
               SET transaction_id = \(String(new.transactionID))::xid8, position = \(new.position),
                   events_applied = events_applied + \(events), updated_at = now()
             WHERE name = \(name)
            """,
            logger: logger
        )
    }

    /// Records that `event`, the first after `checkpoint`, cannot be applied;
    /// the checkpoint stays just before it. False when the checkpoint is no
    /// longer `checkpoint`: the failure was found on tables that are gone.
    static func halt(
        _ name: String, at event: RecordedEvent, after checkpoint: Checkpoint, error: String,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let rows = try await connection.query(
            """
            UPDATE projections
               SET halted_position = \(event.position), halted_event_id = \(event.id),
                   halted_error = \(error), halted_at = now(), updated_at = now()
             WHERE name = \(name)
               AND transaction_id = \(String(checkpoint.transactionID))::xid8 AND position = \(checkpoint.position)
            RETURNING 1
            """,
            logger: logger
        )
        return try await rows.collect().count == 1
    }

    /// Clears a halt, so that the owner tries the event again (after a fix).
    /// False when the projection was not halted.
    public func resume(_ name: String) async throws -> Bool {
        let rows = try await client.query(
            """
            UPDATE projections
               SET halted_position = NULL, halted_event_id = NULL, halted_error = NULL, halted_at = NULL,
                   updated_at = now()
             WHERE name = \(name) AND halted_error IS NOT NULL
            RETURNING 1
            """,
            logger: logger
        )
        return try await rows.collect().count == 1
    }
}

public struct UnregisteredProjection: Error, CustomStringConvertible {
    public var name: String
    public var description: String { "projection \(name) has no row in the projections table" }
}

extension ProjectionStore {
    /// Empties the tables of `readModel` and moves the checkpoints of all its
    /// projections back to the beginning of the log, in one transaction, the
    /// rows before the tables as a batch locks them (`Projector.fold`). Their
    /// owners, if any, should be stopped first: a batch that comes after
    /// finds its checkpoint moved and reads it again, but the read model
    /// would be folded from scratch under them.
    public func reset(readModel: String) async throws {
        let projections = ProjectionCatalog.projections(of: readModel)
        let tables = ProjectionCatalog.tables(of: readModel)
        try await client.inTransaction(logger: logger) { connection in
            try await connection.query(
                """
                UPDATE projections
                   SET transaction_id = '0', position = 0, events_applied = 0, halted_position = NULL,
                       halted_event_id = NULL, halted_error = NULL, halted_at = NULL, updated_at = now()
                 WHERE name = ANY(\(projections.map(\.name)))
                """,
                logger: logger
            )
            for table in tables {
                try await connection.query("TRUNCATE \(unescaped: table)", logger: logger)
            }
        }
    }
}
