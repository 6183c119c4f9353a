import EventStore
import Logging
import PostgresNIO

/// Where a read model is rebuilt while its live tables keep answering: the
/// schema `replay_<read model>`, holding an empty copy of each of its tables
/// (`schema/functions/replay_copy_table.sql`: keys, but no other index until
/// `createIndexes`) and a `projections` table of its own for the rebuild's
/// checkpoints.
///
/// Why a schema and not renamed tables: the folds are the live ones, and
/// their SQL names tables without a schema. A connection whose
/// `search_path` starts with the shadow schema therefore folds into the
/// shadow tables and checkpoints (the log and the functions, which the
/// shadow does not have, are found in `public`), with the projector's own
/// code: no second copy of any fold for rebuilding, and the swap is a move
/// of whole tables from one schema to another (`schema/functions/replay_swap.sql`).
/// Dropping the schema removes every trace of an abandoned rebuild.
struct ShadowSchema: Sendable {
    static let prefix = "replay_"

    let readModel: String

    /// The catalog's read-model names are constants made of lowercase
    /// letters, so the name is a plain identifier that needs no quoting.
    var name: String { Self.prefix + readModel }
    var searchPath: String { "\(name), public" }
    var projections: [any Projection] { ProjectionCatalog.projections(of: readModel) }
    var tables: [String] { ProjectionCatalog.tables(of: readModel) }

    func exists(on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query(
            "SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = \(name))", logger: logger)
        for try await exists in rows.decode(Bool.self) { return exists }
        return false
    }

    /// Creates the schema, its tables and its checkpoint rows (at the
    /// beginning of the log) in one transaction: after a crash it is there
    /// whole or not at all.
    func create(on connection: PostgresConnection, logger: Logger) async throws {
        let name = name
        let tables = tables + ["projections"]
        let projections = projections
        try await connection.inTransaction(logger: logger) { connection in
            try await connection.query("CREATE SCHEMA \(unescaped: name)", logger: logger)
            for table in tables {
                _ = try await connection.query(
                    "SELECT replay_copy_table(\(table), \(name))", logger: logger
                ).collect()
            }
            for projection in projections {
                try await connection.query(
                    """
                    INSERT INTO \(unescaped: name).projections (name, version, owner)
                    VALUES (\(projection.name), \(projection.version), 'replay')
                    """,
                    logger: logger)
            }
        }
    }

    /// Makes the indexes of the live tables that are not keys on the shadow
    /// tables (`schema/functions/replay_copy_indexes.sql`): the build folds
    /// without them, and they are built once over the finished tables, just
    /// before the swap. Those already there are kept.
    func createIndexes(on connection: PostgresConnection, logger: Logger) async throws {
        for table in tables {
            _ = try await connection.query(
                "SELECT replay_copy_indexes(\(table), \(name))", logger: logger
            ).collect()
        }
    }

    /// True when the shadow was started by this binary's definition of the
    /// read model (same projections, same versions), so it can be resumed.
    func isResumable(on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query(
            "SELECT name, version FROM \(unescaped: name).projections ORDER BY name", logger: logger)
        var stored: [String: Int] = [:]
        for try await (projection, version) in rows.decode((String, Int32).self) { stored[projection] = Int(version) }
        let expected = Dictionary(uniqueKeysWithValues: projections.map { ($0.name, $0.version) })
        return stored == expected
    }

    func drop(on connection: PostgresConnection, logger: Logger) async throws {
        // The schema holds the shadow tables and their checkpoints, which nothing outside depends on.
        try await connection.query("DROP SCHEMA IF EXISTS \(unescaped: name) CASCADE", logger: logger)
        // A swap that failed rolled back whole; this one only exists if someone made it by hand.
        try await connection.query("DROP SCHEMA IF EXISTS \(unescaped: name + "_retired") CASCADE", logger: logger)
    }

    /// Where each projection of the shadow is.
    func checkpoints(on connection: PostgresConnection, logger: Logger) async throws -> [String: Checkpoint] {
        try await Self.checkpoints(in: "\(name).projections", on: connection, logger: logger)
    }

    /// Where each live projection of the read model is.
    func liveCheckpoints(on connection: PostgresConnection, logger: Logger) async throws -> [String: Checkpoint] {
        let all = try await Self.checkpoints(in: "public.projections", on: connection, logger: logger)
        return all.filter { entry in projections.contains { $0.name == entry.key } }
    }

    /// `table` is a constant of this file.
    private static func checkpoints(
        in table: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> [String: Checkpoint] {
        let rows = try await connection.query(
            "SELECT name, transaction_id::text, position FROM \(unescaped: table)", logger: logger)
        var checkpoints: [String: Checkpoint] = [:]
        for try await (name, transactionID, position) in rows.decode((String, String, Int64).self) {
            checkpoints[name] = Checkpoint(transactionID: UInt64(transactionID) ?? 0, position: position)
        }
        return checkpoints
    }
}
