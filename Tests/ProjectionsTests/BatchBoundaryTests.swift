import EventStore
import PostgresNIO
import Projections
import TestSupport
import Testing

/// A projection folds a batch set-based, so every rule must give the same
/// tables wherever the batches end: the other tests compare a projector's
/// result with a fold in other batches and rely on it.
@Suite("Batch boundaries")
struct BatchBoundaryTests {
    @Test("folding in batches of 7 events gives the read models of batches of 10,000")
    func batchSizeDoesNotMatter() async throws {
        try await TestDatabase.with { database in
            // Two sources of events for the same two campaigns, which each announces:
            // every campaign is announced twice, in different transactions.
            for prefix in ["a-", "b-"] {
                try await Backlog(workspaces: 8, prefix: prefix, chunkSize: 100)
                    .append(votes: 600, using: database.app, logger: database.logger)
            }
            let small = try await ReadModels.foldFromScratch(database, batchSize: 7)
            let large = try await ReadModels.foldFromScratch(database, batchSize: 10_000)
            #expect(large["current_votes"]?.count == 2 * Backlog(workspaces: 8).distinctKeys(votes: 600))
            #expect(large["campaigns"]?.count == 2)

            ReadModels.expectEqual(small, large)

            // The groups the fold keeps are the current votes counted: changed scores and roles move them.
            let counted = try await database.app.query(
                """
                SELECT count(*)::int8 FROM (
                    SELECT campaign_id, workspace_id, roles, votes, promoters, detractors FROM voter_groups
                     WHERE votes <> 0
                    EXCEPT ALL
                    SELECT campaign_id, workspace_id, roles, count(*), count(*) FILTER (WHERE score >= 9),
                           count(*) FILTER (WHERE score <= 6)
                      FROM current_votes GROUP BY 1, 2, 3) AS differing
                """,
                logger: database.logger)
            let missing = try await database.app.query(
                """
                SELECT count(*)::int8 FROM (
                    SELECT campaign_id, workspace_id, roles, count(*), count(*) FILTER (WHERE score >= 9),
                           count(*) FILTER (WHERE score <= 6)
                      FROM current_votes GROUP BY 1, 2, 3
                    EXCEPT ALL
                    SELECT campaign_id, workspace_id, roles, votes, promoters, detractors FROM voter_groups) AS absent
                """,
                logger: database.logger)
            var differences: [Int] = []
            for try await count in counted.decode(Int.self) { differences.append(count) }
            for try await count in missing.decode(Int.self) { differences.append(count) }
            #expect(differences == [0, 0])
            #expect(try await ReadModels.count("voter_groups", in: database, where: "votes > 0") > 8)
        }
    }
}
