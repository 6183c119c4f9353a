import EventStore
import PostgresNIO
import TestSupport
import Testing

@testable import Projections

/// A projector that finds nothing to fold below the gap-safe horizon tells
/// two cases apart: nothing committed after its checkpoint (it waits for a
/// notification), or committed events that a transaction still open holds
/// back (it looks again soon: that transaction may write no event, and its
/// end then notifies nobody, which left such events to the next poll).
@Suite("A step with nothing to fold: caught up, or held behind an open transaction")
struct HeldStepTests {
    @Test("caught up with nothing after the checkpoint; held while an older transaction is open; then applied")
    func heldThenApplied() async throws {
        try await TestDatabase.with { database in
            let logger = database.logger
            let backlog = Backlog(workspaces: 4, chunkSize: 100)
            try await backlog.append(votes: 200, using: database.app, logger: logger)
            try await ProjectionCatchUp.untilCurrent(database)
            let projectors = ProjectionCatalog.projections(of: "votes").map { projection in
                Projector(
                    projection: projection, client: database.app, configuration: ProjectorConfiguration(),
                    logger: logger)
            }
            for projector in projectors {
                let step = try await database.app.withConnection { try await projector.step(on: $0) }
                #expect(step == .caughtUp, "\(projector.projection.name)")
            }

            try await database.owner.withConnection { holder in
                // An xid older than the events appended next, and no event of its own.
                try await holder.query("BEGIN", logger: logger)
                try await holder.query("SELECT pg_current_xact_id()", logger: logger)
                _ = try await database.app.withConnection { connection in
                    try await backlog.append(votes: 200..<400, chunk: 2, on: connection, logger: logger)
                }
                for projector in projectors {
                    let step = try await database.app.withConnection { try await projector.step(on: $0) }
                    #expect(step == .held, "\(projector.projection.name)")
                }
                try await holder.query("COMMIT", logger: logger)
            }

            // Another test's transaction may hold the cluster-wide horizon a while longer.
            for projector in projectors {
                let applied = try await poll(timeout: .seconds(120), every: .milliseconds(20)) { () -> Bool? in
                    let step = try await database.app.withConnection { try await projector.step(on: $0) }
                    return step == .held ? nil : step != .caughtUp
                }
                #expect(applied == true, "\(projector.projection.name)")
            }
        }
    }
}
