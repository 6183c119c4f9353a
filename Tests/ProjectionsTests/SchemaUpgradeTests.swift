import EventStore
import Foundation
import PostgresNIO
import Projections
import TestSupport
import Testing

/// A database made before the repeatable schema files (numbered migrations
/// up to 0062 only, as every database in service was) upgrades to them
/// without losing or changing a figure.
@Suite("Schema upgrade to the repeatable files", .timeLimit(.minutes(5)))
struct SchemaUpgradeTests {
    /// The last numbered migration before the repeatable files.
    static let lastMigrationBefore = 62

    @Test("votes folded before the upgrade: the same figures after it, replay --verify finds no difference")
    func upgradeKeepsFigures() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let landed = Migration.embedded.filter { $0.version <= Self.lastMigrationBefore }
            try await MigrationRunner(migrations: landed, repeatables: [], logger: database.logger)
                .migrate(database.owner)
            let backlog = Backlog(workspaces: 12, chunkSize: 1_000)
            try await backlog.append(votes: 3_000, using: database.app, logger: database.logger)
            try await ProjectionCatchUp.untilCurrent(database)
            let before = try await ReadModels.snapshot(database)
            #expect(try await ReadModels.count("current_votes", in: database) == backlog.distinctKeys(votes: 3_000))

            let upgrade = MigrationRunner(logger: database.logger)
            let applied = try await upgrade.migrate(database.owner)
            let newer = Migration.embedded.map(\.version).filter { $0 > Self.lastMigrationBefore }
            #expect(applied.migrations.map(\.version) == newer)
            #expect(applied.repeatables == RepeatableMigration.embedded)
            try await upgrade.verifyCurrent(database.app)

            // Tables and columns added since (voter_groups, 0092; whether a workspace opted out, 0096)
            // are compared with a fold from scratch below; tables dropped since (workspace_campaign_scores,
            // 0094) are gone.
            let after = try await ReadModels.snapshot(database)
            ReadModels.expectEqual(
                try Self.withoutColumnsAddedSince(after.filter { before[$0.key] != nil }),
                try Self.withoutColumnsAddedSince(before.filter { after[$0.key] != nil }))
            for readModel in ProjectionCatalog.readModels {
                let verified = try await replay(readModel, .verify, database)
                #expect(verified.differences == 0, "\(readModel): \(verified.firstDifferences ?? [])")
            }
            let schema = try await SchemaDump.normalised(database.ownerURL)
            if schema != (try SchemaDump.committed()) {
                Issue.record(Comment(rawValue: try await SchemaDump.mismatch(schema, of: "the upgraded database")))
            }

            // The upgraded folds go on where the old ones stopped.
            _ = try await database.app.withConnection { connection in
                try await backlog.append(votes: 3_000..<4_000, chunk: 3, on: connection, logger: database.logger)
            }
            try await ProjectionCatchUp.untilCurrent(database)
            let projected = try await ReadModels.snapshot(database)
            ReadModels.expectEqual(projected, try await ReadModels.foldFromScratch(database))
        }
    }

    /// Rows without the columns added to existing read-model tables since 0062, each
    /// row of those tables written again in one way (keys sorted), on both sides alike.
    static func withoutColumnsAddedSince(_ snapshot: Snapshot) throws -> Snapshot {
        let added: [String: [String]] = ["workspace_campaigns": ["opted_out_before_start", "opted_out_during"]]
        var trimmed = snapshot
        for (table, columns) in added {
            trimmed[table] = try snapshot[table]?.map { row in
                var object = try #require(JSONSerialization.jsonObject(with: Data(row.utf8)) as? [String: Any])
                for column in columns { object.removeValue(forKey: column) }
                return String(
                    decoding: try JSONSerialization.data(withJSONObject: object, options: .sortedKeys), as: UTF8.self)
            }
            .sorted()
        }
        return trimmed
    }

}
