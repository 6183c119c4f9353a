import EventStore
import PostgresNIO
import Projections

/// Folds every projection in-process until each has applied the whole log
/// (`ProjectionFold.untilCurrent`), then waits for the change notifications
/// it caused. One projection after the other: the suite's tests already
/// keep both cores busy. Tests share one cluster, so a transaction held open in any
/// database of it holds the fold back for a moment; a timeout names them.
public enum ProjectionCatchUp {
    public static func untilCurrent(
        _ database: TestDatabase,
        projections: [any Projection] = ProjectionCatalog.all,
        batchSize: Int = ProjectorConfiguration.defaultBatchSize,
        catchUpBatchSize: Int = ProjectorConfiguration.defaultCatchUpBatchSize,
        deadline: Duration = .seconds(180)
    ) async throws {
        do {
            try await ProjectionFold.untilCurrent(
                projections, client: database.app,
                configuration: ProjectorConfiguration(batchSize: batchSize, catchUpBatchSize: catchUpBatchSize),
                concurrently: false, deadline: deadline, logger: database.logger)
        } catch let notCurrent as ProjectionFold.NotCurrent {
            throw TestDatabaseError(
                "\(notCurrent); transactions holding the cluster's readers back: \(try await openTransactions(database))"
            )
        }
        await ChangeListeners.delivered(database)
    }

    /// Every session of the cluster that holds a transaction id or a
    /// snapshot (what keeps the gap-safe xmin horizon back), for the message
    /// of a catch-up that timed out.
    static func openTransactions(_ database: TestDatabase) async throws -> [String] {
        let rows = try await database.owner.query(
            """
            SELECT datname || ' ' || state || ' for ' || (now() - xact_start)::text || ': ' || left(query, 120)
              FROM pg_stat_activity
             WHERE (backend_xid IS NOT NULL OR backend_xmin IS NOT NULL) AND pid <> pg_backend_pid()
            """,
            logger: database.logger)
        var sessions: [String] = []
        for try await session in rows.decode(String?.self) { sessions.append(session ?? "?") }
        return sessions
    }
}
