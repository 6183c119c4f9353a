import EventStore
import Foundation
import Logging
import PostgresNIO
import Projections
import TestSupport
import Testing

/// `replay` and `replay --verify` in-process against a folded backlog: the
/// rebuild equals the live read model, a corrupted live row is exactly the
/// difference, and the swap fixes it while keeping the tables as the
/// migrations made them.
@Suite("Replay: rebuild, verify, swap", .serialized, .timeLimit(.minutes(5)))
struct ReplayTests {
    /// One live row changed by hand (as the owner role) per read model, and the table it is in.
    static let corruptions: [String: (table: String, sql: String)] = [
        "votes": (
            "campaign_scores",
            """
            UPDATE campaign_scores SET votes = votes + 1
             WHERE (campaign_id, shard, score) = (SELECT campaign_id, shard, score FROM campaign_scores
                                                   ORDER BY 1, 2, 3 LIMIT 1)
            """
        ),
        "campaigns": (
            "workspace_campaigns",
            """
            UPDATE workspace_campaigns SET uploads = uploads + 5
             WHERE (campaign_id, workspace_id) = (SELECT campaign_id, workspace_id FROM workspace_campaigns
                                                   ORDER BY 1, 2 LIMIT 1)
            """
        ),
        "workspaces": (
            "workspaces",
            "UPDATE workspaces SET active_users = 424242 WHERE workspace_id = (SELECT min(workspace_id) FROM workspaces)"
        ),
    ]

    @Test(
        "verify finds nothing after a scenario; a corrupted live row is the one difference; replay fixes it",
        arguments: ProjectionCatalog.readModels)
    func verifyCorruptAndFix(readModel: String) async throws {
        let corruption = try #require(Self.corruptions[readModel])
        try await TestDatabase.with { database in
            try await Backlog(workspaces: 20).append(votes: 6_000, using: database.app, logger: database.logger)
            try await ProjectionCatchUp.untilCurrent(database)
            let folded = try await ReadModels.snapshot(database)
            let indexes = try await publicIndexes(database)

            let clean = try await replay(readModel, .verify, database)
            #expect(clean.differences == 0, "\(clean.firstDifferences ?? [])")
            #expect(clean.events > 0)

            try await database.owner.query(PostgresQuery(unsafeSQL: corruption.sql), logger: database.logger)
            let corrupted = try await replay(readModel, .verify, database)
            #expect(corrupted.differences == 1)
            let difference = try #require(corrupted.firstDifferences?.first)
            #expect(difference.table == corruption.table)
            #expect(difference.live != nil && difference.rebuilt != nil && difference.live != difference.rebuilt)
            #expect(try await shadowSchemas(database).isEmpty, "verify left its shadow behind")

            let swapped = try await replay(readModel, .swap, database)
            #expect(swapped.differences == nil)
            ReadModels.expectEqual(try await ReadModels.snapshot(database), folded)
            #expect(try await replay(readModel, .verify, database).differences == 0)

            // The swapped-in tables are what the migrations made: the same indexes (made just before the swap),
            // views still read them.
            #expect(try await publicIndexes(database) == indexes)
            #expect(try await shadowSchemas(database).isEmpty)
            let funnel = try await ReadModels.count("campaign_funnel", in: database)
            let figures = try await ReadModels.count("workspace_campaign_figures", in: database)
            #expect(funnel == 2 && figures > 0)
            // The application role still has what it needs on the new tables.
            for table in ProjectionCatalog.tables(of: readModel) {
                _ = try await database.app.query(
                    "SELECT count(*) FROM \(unescaped: table)", logger: database.logger
                ).collect()
            }
        }
    }

    @Test("a replay while live projectors run: swapped in, and the projectors go on from the rebuild's checkpoint")
    func swapUnderRunningProjectors() async throws {
        try await TestDatabase.with { database in
            let backlog = Backlog(workspaces: 20, chunkSize: 1_000)
            try await backlog.append(votes: 6_000, using: database.app, logger: database.logger)
            try await withProjectorService(database, configuration: ProjectorConfiguration(batchSize: 500)) {
                try await waitUntilCaughtUp(database)
                let appending = Task {
                    for chunk in 6..<12 {
                        _ = try await database.app.withConnection { connection in
                            try await backlog.append(
                                votes: chunk * 1_000..<(chunk + 1) * 1_000, chunk: chunk, on: connection,
                                logger: database.logger)
                        }
                        try await Task.sleep(for: .milliseconds(50))
                    }
                }
                for readModel in ProjectionCatalog.readModels { _ = try await replay(readModel, .swap, database) }
                try await appending.value
                try await waitUntilCaughtUp(database)
            }
            for status in try await projectionStatus(database).values {
                #expect(status.eventsApplied == Int64(try await database.eventCount()), "\(status.summary)")
            }
            let projected = try await ReadModels.snapshot(database)
            ReadModels.expectEqual(projected, try await ReadModels.foldFromScratch(database))
        }
    }

    @Test("a read model stored at another version is rebuilt in the background when projectors start, then projected")
    func upgradeAtStart() async throws {
        try await TestDatabase.with { database in
            let backlog = Backlog(workspaces: 20, chunkSize: 1_000)
            try await backlog.append(votes: 6_000, using: database.app, logger: database.logger)
            try await ProjectionCatchUp.untilCurrent(database)
            // As an older binary left it: another version, and figures its rules made.
            try await database.owner.query(
                "UPDATE projections SET version = 1 WHERE name LIKE 'votes/%'", logger: database.logger)
            try await database.owner.query(
                PostgresQuery(unsafeSQL: try #require(Self.corruptions["votes"]).sql), logger: database.logger)

            let configuration = ProjectorConfiguration(batchSize: 1_000, rebuildOwner: database.ownerURL)
            try await withProjectorService(database, configuration: configuration) {
                _ = try await database.app.withConnection { connection in
                    try await backlog.append(votes: 6_000..<7_000, chunk: 6, on: connection, logger: database.logger)
                }
                let upgraded = try await poll(timeout: .seconds(120), every: .milliseconds(100)) { () -> Bool? in
                    let statuses = try await projectionStatus(database).values
                    return statuses.allSatisfy { status in
                        status.lag.events == 0
                            && status.version == ProjectionCatalog.all.first { $0.name == status.name }?.version
                    } ? true : nil
                }
                let statuses = try await projectionStatus(database).values.map(\.summary)
                #expect(upgraded == true, "\(statuses)")
            }
            #expect(try await shadowSchemas(database).isEmpty)
            let projected = try await ReadModels.snapshot(database)
            ReadModels.expectEqual(projected, try await ReadModels.foldFromScratch(database))
        }
    }

    @Test("a rebuild folds up to the rebuild batch while behind, not the catch-up batch; its total counts each shard")
    func rebuildBatches() async throws {
        try await TestDatabase.with { database in
            try await Backlog(workspaces: 20).append(votes: 6_000, using: database.app, logger: database.logger)
            try await ProjectionCatchUp.untilCurrent(database)
            let folded = try await ReadModels.snapshot(database)
            let shards = ProjectionCatalog.projections(of: "votes").count
            let events = try await database.eventCount()

            /// The batches a swap's build folded, given the rebuild batch.
            func batches(rebuildBatchSize: Int) async throws -> Int {
                let reports = Locked<[ReplayProgress]>([])
                _ = try await ReadModelReplay(
                    readModel: "votes", owner: database.ownerURL,
                    configuration: ProjectorConfiguration(
                        batchSize: 100, catchUpBatchSize: 100, rebuildBatchSize: rebuildBatchSize),
                    logger: database.logger
                ).run(.swap) { report in reports.update { $0.append(report) } }
                let building = reports.value.filter { $0.phase == .building }
                // Each shard reads the whole log, from the beginning: the progress's total counts it per shard.
                #expect(building.allSatisfy { $0.total == events * shards })
                #expect(building.last?.events == events * shards)
                return zip(building, building.dropFirst()).filter { $1.events > $0.events }.count
            }
            #expect(try await batches(rebuildBatchSize: 100_000) == shards)
            #expect(try await batches(rebuildBatchSize: 100) >= shards * 6_000 / 100)
            ReadModels.expectEqual(try await ReadModels.snapshot(database), folded)
        }
    }

    @Test("two replays of one read model at once: the second is refused")
    func oneReplayAtATime() async throws {
        try await TestDatabase.with { database in
            try await Backlog(workspaces: 10).append(votes: 40_000, using: database.app, logger: database.logger)
            let first = Task { try await replay("votes", .swap, database, batchSize: 500) }
            let started = try await poll(timeout: .seconds(180), every: .milliseconds(10)) {
                try await shadowSchemas(database).isEmpty ? nil : true
            }
            #expect(started == true)
            await #expect(throws: ReplayInProgress.self) { try await replay("votes", .swap, database) }
            _ = try await first.value
            #expect(try await shadowSchemas(database).isEmpty)
        }
    }
}

func replay(
    _ readModel: String, _ mode: ReadModelReplay.Mode, _ database: TestDatabase, batchSize: Int = 2_000
) async throws -> ReadModelReplay.Outcome {
    try await ReadModelReplay(
        readModel: readModel, owner: database.ownerURL, configuration: ProjectorConfiguration(batchSize: batchSize),
        logger: database.logger
    ).run(mode)
}

/// The schemas replays build in.
func shadowSchemas(_ database: TestDatabase) async throws -> [String] {
    let rows = try await database.owner.query(
        "SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'replay%' ORDER BY 1", logger: database.logger)
    var names: [String] = []
    for try await name in rows.decode(String.self) { names.append(name) }
    return names
}

/// Every index of the public schema with its definition, by table.
private func publicIndexes(_ database: TestDatabase) async throws -> [String] {
    try await database.owner.withConnection {
        try await indexDefinitions(in: "public", on: $0, logger: database.logger)
    }
}
