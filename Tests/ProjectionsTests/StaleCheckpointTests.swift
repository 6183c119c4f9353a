import EventStore
import PostgresNIO
import TestSupport
import Testing

@testable import Projections

/// A live projector reads its checkpoint, then folds the batch after it in a
/// transaction of its own. A replay's swap that commits between the two
/// brings tables already holding that batch. Played here in that order, on
/// purpose: the batch must be rolled back and read again, not folded into
/// the swapped-in tables (which fails on their keys and halted a healthy
/// projection, or counts votes twice).
@Suite("A batch that read its checkpoint before a swap", .serialized, .timeLimit(.minutes(5)))
struct StaleCheckpointTests {
    @Test(
        "is rolled back untouched and read again: no halt, no event folded twice",
        arguments: ProjectionCatalog.readModels)
    func staleBatchAfterSwap(readModel: String) async throws {
        try await TestDatabase.with { database in
            let backlog = Backlog(workspaces: 20, chunkSize: 1_000)
            try await backlog.append(votes: 3_000, using: database.app, logger: database.logger)
            try await ProjectionCatchUp.untilCurrent(database)
            let projectors = ProjectionCatalog.projections(of: readModel).map { projection in
                Projector(
                    projection: projection, client: database.app,
                    configuration: ProjectorConfiguration(batchSize: 500), logger: database.logger)
            }
            var stale: [ProjectionStore.State] = []
            for projector in projectors {
                stale.append(
                    try await database.app.withConnection { connection in
                        try await ProjectionStore.state(
                            of: projector.projection.name, on: connection, logger: database.logger)
                    })
            }

            _ = try await database.app.withConnection { connection in
                try await backlog.append(votes: 3_000..<4_000, chunk: 3, on: connection, logger: database.logger)
            }
            _ = try await replay(readModel, .swap, database)
            // Other tests' transactions may hold the gap-safe horizon before the new
            // chunk: wait until the live projections have folded it, so the stale
            // batch surely reads events the live tables hold.
            try await ProjectionCatchUp.untilCurrent(database)
            let current = try await ReadModels.snapshot(database)

            for (projector, state) in zip(projectors, stale) {
                let step = try await database.app.withConnection { connection in
                    try await projector.step(from: state, on: connection)
                }
                #expect(step == .overtaken, "\(projector.projection.name)")
            }
            ReadModels.expectEqual(try await ReadModels.snapshot(database), current)
            let statuses = try await ProjectionStore(client: database.app, logger: database.logger)
                .status(of: projectors.map(\.projection))
            #expect(statuses.allSatisfy { $0.state != .halted }, "\(statuses.map(\.summary))")

            ReadModels.expectEqual(current, try await ReadModels.foldFromScratch(database))
        }
    }
}
