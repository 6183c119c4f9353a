import EventStore
import PostgresNIO
import Projections
import TestSupport
import Testing

/// What the benchmarks and tests wait on before they read a read model: the
/// whole log folded, not one catch-up that a transaction open elsewhere on
/// the cluster stopped at the horizon (`bench project` once read an empty
/// read model that way on a loaded CI machine).
@Suite("Folding until current")
struct FoldUntilCurrentTests {
    @Test(
        "a transaction holding the horizon back: one catch-up folds nothing; the fold until current waits, then folds all"
    )
    func waitsForTheHorizon() async throws {
        try await TestDatabase.with { database in
            let backlog = Backlog(workspaces: 4, chunkSize: 100)
            let votes = try await database.owner.withConnection { holder in
                // An xid older than every event of the backlog: none of them is below the horizon until it ends.
                try await holder.query("BEGIN", logger: database.logger)
                try await holder.query("SELECT pg_current_xact_id()", logger: database.logger)
                try await backlog.append(votes: 300, using: database.app, logger: database.logger)

                let votesProjections = ProjectionCatalog.projections(of: "votes")
                var single = 0
                for projection in votesProjections {
                    single += try await Projector(
                        projection: projection, client: database.app, configuration: ProjectorConfiguration(),
                        logger: database.logger
                    ).catchUp()
                }
                #expect(single == 0)

                let waited = Locked(false)
                let returned = Locked(false)
                let fold = Task {
                    defer { returned.set(true) }
                    try await ProjectionFold.untilCurrent(
                        votesProjections, client: database.app, configuration: ProjectorConfiguration(),
                        logger: database.logger, whileBehind: { _ in waited.set(true) })
                }
                // The horizon is let go only once the fold has found it held and waits; a fold that
                // returns instead has folded nothing, which the count below shows.
                _ = try await poll(timeout: .seconds(120), every: .milliseconds(10)) {
                    waited.value || returned.value ? true : nil
                }
                #expect(waited.value, "the fold returned without waiting for the horizon")
                try await holder.query("COMMIT", logger: database.logger)
                _ = try await fold.value
                let rows = try await database.app.query(
                    "SELECT coalesce(sum(votes), 0)::int8 FROM campaign_scores", logger: database.logger)
                var counted = 0
                for try await sum in rows.decode(Int.self) { counted = sum }
                return counted
            }
            #expect(votes == backlog.distinctKeys(votes: 300))
        }
    }
}
