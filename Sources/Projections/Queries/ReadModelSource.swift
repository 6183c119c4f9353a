import EventStore
import Logging
import PostgresNIO

/// Where a read-model query runs its statements: the pool (each statement
/// on a connection of its own, as it comes) or one `ReadSnapshot`.
public protocol ReadModelSource: Sendable {
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence
}

extension PostgresClient: ReadModelSource {
    /// A statement on a view can deadlock with a replay's swap: it locks the
    /// view, then the view's tables; the swap holds the tables and then
    /// replaces the view. PostgreSQL cancels one of the two (40P01); a read
    /// is simply tried again. (A `ReadSnapshot` locks the tables before it
    /// reads any view, so it cannot meet this.)
    public func rows(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        var attempt = 1
        while true {
            do {
                return try await self.query(query, logger: logger)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "40P01" && attempt < 3 {
                attempt += 1
            }
        }
    }
}

/// One consistent read of the read models, for all the statements of one
/// answer: a REPEATABLE READ, READ ONLY transaction on one connection.
/// Which cells are withheld and the figures and records they govern are
/// then read from the same state, so a projector batch that commits
/// between two statements cannot leave a cell the rule did not see.
///
/// Before its first query it takes ACCESS SHARE locks on every read-model
/// table, read model by read model in the order a replay's swap takes its
/// ACCESS EXCLUSIVE locks (`ReadModelReplay`): a transaction that held one
/// read model's first table while waiting for its second could otherwise
/// deadlock with a swap holding the second and waiting for the first. The
/// locks come before the first query so that the snapshot is taken after
/// them: an answer waiting for a swap reads the swapped tables.
public struct ReadSnapshot: ReadModelSource {
    let connection: PostgresConnection

    public func rows(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await connection.query(query, logger: logger)
    }

    public static func run<Result: Sendable>(
        on client: PostgresClient, logger: Logger, _ body: (ReadSnapshot) async throws -> Result
    ) async throws -> Result {
        let tables = ProjectionCatalog.readModels.flatMap(ProjectionCatalog.tables(of:))
            .map { "public.\($0)" }.joined(separator: ", ")
        return try await client.withConnection { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            let result: Result
            do {
                try await connection.query("LOCK TABLE \(unescaped: tables) IN ACCESS SHARE MODE", logger: logger)
                result = try await body(ReadSnapshot(connection: connection))
            } catch {
                await connection.rollBack(logger: logger)
                throw error
            }
            try await connection.query("COMMIT", logger: logger)
            return result
        }
    }
}
