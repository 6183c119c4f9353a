import EventStore
import Foundation
import PostgresNIO
import TestSupport
import Testing

/// The files of schema/functions, schema/views and schema/triggers: one per
/// object of a migrated database, applied again when they change and only then.
@Suite("Repeatable schema files")
struct RepeatableMigrationTests {
    static let viewFile = "views/campaign_funnel.sql"

    /// The embedded file at `path`, with `sql` appended.
    static func repeatables(changing path: String, appending sql: String) throws -> [RepeatableMigration] {
        var files = RepeatableMigration.embedded
        let index = try #require(files.firstIndex { $0.path == path })
        files[index] = RepeatableMigration(path: path, sql: files[index].sql + sql)
        return files
    }

    @Test("every function, view and trigger of a migrated database has its file, and every file its object")
    func oneFilePerObject() async throws {
        try await TestDatabase.with { database in
            // The file each object must be defined in: trigger functions with their triggers.
            let rows = try await database.owner.query(
                """
                SELECT CASE WHEN p.prorettype = 'trigger'::regtype THEN 'triggers/' ELSE 'functions/' END
                       || p.proname || '.sql', NULL
                  FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
                 UNION
                SELECT 'views/' || c.relname || '.sql', NULL
                  FROM pg_class c WHERE c.relkind IN ('v', 'm') AND c.relnamespace = 'public'::regnamespace
                 UNION
                SELECT 'triggers/' || t.tgfoid::regproc::text || '.sql', t.tgname::text
                  FROM pg_trigger t WHERE NOT t.tgisinternal
                """,
                logger: database.logger
            )
            var expected: Set<String> = []
            var triggers: [(file: String, trigger: String)] = []
            for try await (file, trigger) in rows.decode((String, String?).self) {
                expected.insert(file)
                if let trigger { triggers.append((file, trigger)) }
            }
            let files = Dictionary(uniqueKeysWithValues: RepeatableMigration.embedded.map { ($0.path, $0.sql) })
            #expect(expected.subtracting(files.keys).isEmpty, "objects without their file in schema/")
            #expect(Set(files.keys).subtracting(expected).isEmpty, "files in schema/ without their object")
            for (file, trigger) in triggers {
                let definition = "CREATE OR REPLACE TRIGGER \(trigger)\n"
                #expect(files[file]?.contains(definition) == true, "\(trigger) in \(file)")
            }
        }
    }

    @Test("the files are applied by kind (functions, views, triggers), then by name")
    func applicationOrder() {
        let files = RepeatableMigration.embedded
        #expect(files.map(\.kind) == files.map(\.kind).sorted())
        for kind in RepeatableMigration.Kind.allCases {
            let names = files.filter { $0.kind == kind }.map(\.fileName)
            #expect(!names.isEmpty && names == names.sorted())
        }
    }

    @Test("a changed file is pending, then applied with its new checksum; unchanged files are never applied again")
    func changedFileOnly() async throws {
        try await TestDatabase.with { database in
            let before = try await recorded(database)
            #expect(before.keys.sorted() == RepeatableMigration.embedded.map(\.path).sorted())
            let changed = try Self.repeatables(
                changing: Self.viewFile, appending: "\nCOMMENT ON VIEW campaign_funnel IS 'changed';\n")
            let runner = MigrationRunner(repeatables: changed, logger: database.logger)

            let pending = try await #require(throws: MigrationError.self) {
                try await runner.verifyCurrent(database.app)
            }
            #expect(pending == .repeatablesPending(paths: [Self.viewFile]))
            #expect(pending.description.contains(Self.viewFile))

            let applied = try await runner.migrate(database.owner)
            #expect(applied.migrations.isEmpty)
            #expect(applied.repeatables.map(\.path) == [Self.viewFile])
            try await runner.verifyCurrent(database.app)
            #expect(try await comment(database) == "changed")

            let after = try await recorded(database)
            for (path, row) in before where path != Self.viewFile {
                #expect(after[path]?.checksum == row.checksum && after[path]?.appliedAt == row.appliedAt, "\(path)")
            }
            let view = try #require(after[Self.viewFile])
            #expect(view.checksum == changed.first { $0.path == Self.viewFile }?.checksum)
            #expect(view.appliedAt > before[Self.viewFile]!.appliedAt)

            #expect(try await runner.migrate(database.owner).isEmpty)
            // The embedded file again is a change too: applied back, and recorded.
            let reverted = try await MigrationRunner(logger: database.logger).migrate(database.owner)
            #expect(reverted.repeatables.map(\.path) == [Self.viewFile])
            try await MigrationRunner(logger: database.logger).verifyCurrent(database.app)
        }
    }

    @Test("a failing file changes nothing and keeps its old checksum")
    func failingFile() async throws {
        try await TestDatabase.with { database in
            let before = try await recorded(database)
            let broken = try Self.repeatables(
                changing: Self.viewFile,
                appending: "\nCOMMENT ON VIEW campaign_funnel IS 'half done';\nSELECT * FROM no_such_table;\n")
            await #expect(throws: (any Error).self) {
                try await MigrationRunner(repeatables: broken, logger: database.logger).migrate(database.owner)
            }
            #expect(try await comment(database) == nil)
            #expect(try await recorded(database)[Self.viewFile]?.checksum == before[Self.viewFile]?.checksum)
            try await MigrationRunner(logger: database.logger).verifyCurrent(database.app)
        }
    }

    private func recorded(_ database: TestDatabase) async throws -> [String: (checksum: String, appliedAt: Date)] {
        let rows = try await database.owner.query(
            "SELECT name, checksum, applied_at FROM schema_repeatables", logger: database.logger)
        var recorded: [String: (checksum: String, appliedAt: Date)] = [:]
        for try await (name, checksum, appliedAt) in rows.decode((String, String, Date).self) {
            recorded[name] = (checksum, appliedAt)
        }
        return recorded
    }

    private func comment(_ database: TestDatabase) async throws -> String? {
        try await database.owner.query(
            "SELECT obj_description('campaign_funnel'::regclass, 'pg_class')", logger: database.logger
        ).collect().first?.decode(String?.self)
    }
}
