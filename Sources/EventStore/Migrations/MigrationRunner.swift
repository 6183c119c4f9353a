import Logging
import PostgresNIO

/// Brings a database to this binary's schema, in two steps under one
/// advisory lock (so that concurrent starts do each thing once):
///
/// 1. **Numbered migrations** (`schema/NNNN_name.sql`: tables, indexes, data
///    changes, and the history of every definition): each pending one in its
///    own transaction, recorded with its checksum in `schema_migrations`. A
///    landed migration never changes: one whose checksum differs from the
///    recorded one is refused, as is a database that has applied a migration
///    this binary does not know.
/// 2. **Repeatable definitions** (`schema/functions`, `schema/views`,
///    `schema/triggers`: the current definition of each function, view and
///    trigger, written with `CREATE OR REPLACE`): each file whose checksum
///    differs from the one in `schema_repeatables` (or that has none there),
///    in its own transaction together with its new checksum, in the order of
///    `RepeatableMigration.inApplicationOrder`. An unchanged file is never
///    applied again. On a fresh database the numbered migrations create the
///    old definitions and the files then replace them; on an existing one
///    only what changed is applied.
///
/// A change of what `CREATE OR REPLACE` cannot change (a function's
/// arguments or result type, a view's existing columns) needs a numbered
/// migration that drops the old object and deletes its file's row from
/// `schema_repeatables`; the file is then applied again and creates the new one.
public struct MigrationRunner: Sendable {
    public let migrations: [Migration]
    public let repeatables: [RepeatableMigration]
    public let logger: Logger

    /// Advisory lock (class 1) held while migrating, so concurrent starts apply each migration once.
    static let lockClass: Int32 = 1

    /// What one run applied.
    public struct Applied: Sendable, Equatable {
        public var migrations: [Migration] = []
        public var repeatables: [RepeatableMigration] = []
        public var isEmpty: Bool { migrations.isEmpty && repeatables.isEmpty }
    }

    /// `repeatables: []` migrates as binaries before the repeatable files did (tests of upgrades).
    public init(
        migrations: [Migration] = Migration.embedded,
        repeatables: [RepeatableMigration] = RepeatableMigration.embedded,
        logger: Logger
    ) {
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.repeatables = RepeatableMigration.inApplicationOrder(repeatables)
        self.logger = logger
    }

    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Applies what is pending; returns what it applied.
    @discardableResult
    public func migrate(_ client: PostgresClient) async throws -> Applied {
        try checkUniqueVersions()
        return try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockClass), 0)", logger: logger)
            do {
                let migrations = try await applyMigrations(on: connection)
                let repeatables = try await applyRepeatables(on: connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockClass), 0)", logger: logger)
                return Applied(migrations: migrations, repeatables: repeatables)
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockClass), 0)", logger: logger)
                throw error
            }
        }
    }

    /// Fails unless the database has applied exactly this binary's migrations
    /// and its definitions are this binary's repeatable files.
    public func verifyCurrent(_ client: PostgresClient) async throws {
        let (applied, recorded) = try await client.withConnection { try await recordedChecksums(on: $0) }
        try verify(applied: applied)
        let databaseVersion = applied.keys.max() ?? 0
        if databaseVersion < latestVersion {
            throw MigrationError.pending(databaseVersion: databaseVersion, binaryVersion: latestVersion)
        }
        let stale = repeatables.filter { recorded[$0.path] != $0.checksum }
        if !stale.isEmpty {
            throw MigrationError.repeatablesPending(paths: stale.map(\.path))
        }
    }

    private func applyMigrations(on connection: PostgresConnection) async throws -> [Migration] {
        let applied = try await recordedChecksums(on: connection).migrations
        try verify(applied: applied)
        let pending = migrations.filter { applied[$0.version] == nil }
        for migration in pending {
            try await connection.withTransaction(logger: logger) { connection in
                try await run(migration.sql, on: connection)
                try await connection.query(
                    """
                    INSERT INTO schema_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.fileName), \(migration.checksum))
                    """,
                    logger: logger
                )
            }
            logger.info("applied migration", metadata: ["migration": "\(migration.fileName)"])
        }
        return pending
    }

    private func applyRepeatables(on connection: PostgresConnection) async throws -> [RepeatableMigration] {
        guard !repeatables.isEmpty else { return [] }
        let recorded = try await recordedChecksums(on: connection).repeatables
        let changed = repeatables.filter { recorded[$0.path] != $0.checksum }
        for repeatable in changed {
            try await connection.withTransaction(logger: logger) { connection in
                // As pg_dump's restores do: a function body is checked when it
                // runs, not when it is created, so a function may call one
                // whose file is applied after its own.
                try await connection.query("SET LOCAL check_function_bodies = off", logger: logger)
                try await run(repeatable.sql, on: connection)
                try await connection.query(
                    """
                    INSERT INTO schema_repeatables (name, checksum) VALUES (\(repeatable.path), \(repeatable.checksum))
                        ON CONFLICT (name) DO UPDATE SET checksum = excluded.checksum, applied_at = now()
                    """,
                    logger: logger
                )
            }
            logger.info("applied repeatable file", metadata: ["file": "\(repeatable.path)"])
        }
        return changed
    }

    /// Runs a file of several statements. The extended protocol takes one
    /// statement, so the file is handed to PL/pgSQL's EXECUTE as a single
    /// bound parameter.
    private func run(_ sql: String, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            CREATE OR REPLACE FUNCTION pg_temp.nps_run_migration(sql text) RETURNS void
            LANGUAGE plpgsql AS $$ BEGIN EXECUTE sql; END $$
            """,
            logger: logger
        )
        try await connection.query("SELECT pg_temp.nps_run_migration(\(sql))", logger: logger)
    }

    /// The checksums the database recorded: of each numbered migration by
    /// version, and of each repeatable file as last applied by path. A row for
    /// a file this binary does not have is left alone: the object of a removed
    /// file is dropped by a numbered migration. (One query for both, so that a
    /// readiness check costs two round trips.)
    private func recordedChecksums(
        on connection: PostgresConnection
    ) async throws -> (migrations: [Int: String], repeatables: [String: String]) {
        let tables =
            try await connection.query(
                "SELECT to_regclass('schema_migrations') IS NOT NULL, to_regclass('schema_repeatables') IS NOT NULL",
                logger: logger
            ).collect().first?.decode((Bool, Bool).self) ?? (false, false)
        var selects: [String] = []
        if tables.0 { selects.append("SELECT NULL::text AS name, version, checksum FROM schema_migrations") }
        if tables.1 { selects.append("SELECT name, NULL::integer, checksum FROM schema_repeatables") }
        var migrations: [Int: String] = [:]
        var repeatables: [String: String] = [:]
        guard !selects.isEmpty else { return (migrations, repeatables) }
        let rows = try await connection.query(
            PostgresQuery(unsafeSQL: selects.joined(separator: " UNION ALL ")), logger: logger)
        for try await (name, version, checksum) in rows.decode((String?, Int?, String).self) {
            if let name {
                repeatables[name] = checksum
            } else if let version {
                migrations[version] = checksum
            }
        }
        return (migrations, repeatables)
    }

    private func verify(applied: [Int: String]) throws {
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        if let newest = applied.keys.max(), newest > latestVersion || known[newest] == nil {
            throw MigrationError.databaseNewerThanBinary(databaseVersion: newest, binaryVersion: latestVersion)
        }
        for (version, checksum) in applied.sorted(by: { $0.key < $1.key }) {
            guard let migration = known[version] else {
                throw MigrationError.databaseNewerThanBinary(databaseVersion: version, binaryVersion: latestVersion)
            }
            if migration.checksum != checksum {
                throw MigrationError.changedAfterApplied(
                    fileName: migration.fileName,
                    appliedChecksum: checksum,
                    currentChecksum: migration.checksum
                )
            }
        }
    }

    private func checkUniqueVersions() throws {
        for (previous, next) in zip(migrations, migrations.dropFirst()) where previous.version == next.version {
            throw MigrationError.duplicateVersion(next.version)
        }
    }
}
