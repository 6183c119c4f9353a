import EventStore
import PostgresNIO
import Projections

/// Folds every projection in-process until each has applied the whole log.
/// Tests share one cluster, and a transaction held open in any database of
/// it holds readers back for a moment (they wait, they never skip), so one
/// `catchUp` may stop short of the head: repeat until the lag is zero.
public enum ProjectionCatchUp {
    public static func untilCurrent(
        _ database: TestDatabase,
        projections: [any Projection] = ProjectionCatalog.all,
        batchSize: Int = ProjectorConfiguration.defaultBatchSize,
        catchUpBatchSize: Int = ProjectorConfiguration.defaultCatchUpBatchSize,
        deadline: Duration = .seconds(180)
    ) async throws {
        let store = ProjectionStore(client: database.app, logger: database.logger)
        let configuration = ProjectorConfiguration(batchSize: batchSize, catchUpBatchSize: catchUpBatchSize)
        let end = ContinuousClock.now + deadline
        while true {
            for projection in projections {
                _ = try await Projector(
                    projection: projection, client: database.app, configuration: configuration,
                    logger: database.logger
                ).catchUp()
            }
            let statuses = try await store.status(of: projections)
            if statuses.allSatisfy({ $0.lag.events == 0 }) {
                await ChangeListeners.delivered(database)
                return
            }
            guard ContinuousClock.now < end else {
                throw TestDatabaseError(
                    """
                    projections did not catch up: \(statuses.map { "\($0.name) \($0.lag)" }); \
                    transactions holding the cluster's readers back: \(try await openTransactions(database))
                    """)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
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
