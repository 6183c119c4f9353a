import EventStore
import Foundation
import PostgresNIO
import TestSupport
import Testing

@Suite("Migrations")
struct MigrationTests {
    @Test("applying twice is a no-op")
    func idempotent() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let runner = MigrationRunner(logger: database.logger)
            let first = try await runner.migrate(database.owner)
            #expect(first.migrations.map(\.version) == Migration.embedded.map(\.version))
            #expect(first.repeatables == RepeatableMigration.embedded)
            let second = try await runner.migrate(database.owner)
            #expect(second.isEmpty)
            let recorded = try await database.owner.query(
                "SELECT count(*)::int8 FROM schema_migrations",
                logger: database.logger
            ).collect().first?.decode(Int.self)
            #expect(recorded == Migration.embedded.count)
        }
    }

    @Test("two concurrent runs both succeed and apply each migration and repeatable file once")
    func concurrent() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let logger = database.logger
            let applied = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        // Each run on its own client: separate sessions, as two processes would have.
                        try await withPostgresClient(database.ownerURL, maximumConnections: 1, logger: logger) {
                            let applied = try await MigrationRunner(logger: logger).migrate($0)
                            return applied.migrations.count + applied.repeatables.count
                        }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(applied.sorted() == [0, Migration.embedded.count + RepeatableMigration.embedded.count])
            try await MigrationRunner(logger: logger).verifyCurrent(database.app)
        }
    }

    @Test("an edited migration is refused, naming the file")
    func edited() async throws {
        try await TestDatabase.with { database in
            var migrations = Migration.embedded
            let original = migrations[1]
            migrations[1] = Migration(fileName: original.fileName, sql: original.sql + "\n-- edited\n")
            let error = try await #require(throws: MigrationError.self) {
                try await MigrationRunner(migrations: migrations, logger: database.logger).migrate(database.owner)
            }
            guard case .changedAfterApplied(let fileName, _, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(fileName == original.fileName)
            #expect(error.description.contains(original.fileName))
        }
    }

    @Test("a database newer than the binary is refused")
    func newerDatabase() async throws {
        try await TestDatabase.with { database in
            let older = Array(Migration.embedded.dropLast())
            let error = try await #require(throws: MigrationError.self) {
                try await MigrationRunner(migrations: older, logger: database.logger).migrate(database.owner)
            }
            #expect(
                error
                    == .databaseNewerThanBinary(
                        databaseVersion: Migration.embedded.last!.version,
                        binaryVersion: older.last!.version
                    )
            )
        }
    }

    @Test("a failing migration leaves nothing behind and is not recorded")
    func failingMigration() async throws {
        try await TestDatabase.with { database in
            let broken = Migration(
                fileName: "9999_broken.sql",
                sql: "CREATE TABLE half_done (x int);\nSELECT * FROM no_such_table;"
            )
            await #expect(throws: (any Error).self) {
                try await MigrationRunner(migrations: Migration.embedded + [broken], logger: database.logger)
                    .migrate(database.owner)
            }
            let leftovers = try await database.owner.query(
                "SELECT to_regclass('half_done') IS NULL, (SELECT max(version) FROM schema_migrations)",
                logger: database.logger
            ).collect().first?.decode((Bool, Int).self)
            #expect(leftovers?.0 == true)
            #expect(leftovers?.1 == Migration.embedded.last!.version)
        }
    }

    @Test("the embedded migrations and repeatable files are schema/ as it is on disk")
    func embeddedMatchSchemaFolder() throws {
        let schema = URL(filePath: #filePath).deletingLastPathComponent()
            .appending(path: "../../schema").standardized
        func sqlFiles(in folder: String) throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: schema.appending(path: folder).path())
                .filter { $0.hasSuffix(".sql") }.sorted()
        }
        let numbered = try sqlFiles(in: ".").filter { $0.first?.isNumber == true }
        #expect(Migration.embedded.map(\.fileName) == numbered)
        for migration in Migration.embedded {
            let text = try String(contentsOf: schema.appending(path: migration.fileName), encoding: .utf8)
            #expect(migration.sql == text)
        }
        let repeatable = try RepeatableMigration.Kind.allCases.flatMap { kind in
            try sqlFiles(in: kind.folder).map { "\(kind.folder)/\($0)" }
        }
        #expect(RepeatableMigration.embedded.map(\.path) == repeatable)
        for file in RepeatableMigration.embedded {
            let text = try String(contentsOf: schema.appending(path: file.path), encoding: .utf8)
            #expect(file.sql == text)
        }
    }
}
