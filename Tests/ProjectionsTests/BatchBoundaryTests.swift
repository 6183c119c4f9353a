import EventStore
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
        }
    }
}
