import Logging
import PostgresNIO

/// Applies `schema/` migrations in order, each in its own transaction, and
/// records them with their checksums in `schema_migrations`.
public struct MigrationRunner: Sendable {
    public let migrations: [Migration]
    public let logger: Logger

    /// Advisory lock (class 1) held while migrating, so concurrent starts apply each migration once.
    static let lockClass: Int32 = 1

    public init(migrations: [Migration] = Migration.embedded, logger: Logger) {
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Applies what is pending; returns the migrations it applied.
    @discardableResult
    public func migrate(_ client: PostgresClient) async throws -> [Migration] {
        try checkUniqueVersions()
        return try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockClass), 0)", logger: logger)
            do {
                let applied = try await apply(on: connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockClass), 0)", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockClass), 0)", logger: logger)
                throw error
            }
        }
    }

    /// Fails unless the database has applied exactly this binary's migrations.
    public func verifyCurrent(_ client: PostgresClient) async throws {
        let applied = try await client.withConnection { try await appliedMigrations(on: $0) }
        try verify(applied: applied)
        let databaseVersion = applied.keys.max() ?? 0
        if databaseVersion < latestVersion {
            throw MigrationError.pending(databaseVersion: databaseVersion, binaryVersion: latestVersion)
        }
    }

    private func apply(on connection: PostgresConnection) async throws -> [Migration] {
        let applied = try await appliedMigrations(on: connection)
        try verify(applied: applied)
        let pending = migrations.filter { applied[$0.version] == nil }
        guard !pending.isEmpty else { return [] }
        // Migration files hold several statements; the extended protocol takes one,
        // so each file is handed to PL/pgSQL's EXECUTE as a single bound parameter.
        try await connection.query(
            """
            CREATE OR REPLACE FUNCTION pg_temp.nps_run_migration(sql text) RETURNS void
            LANGUAGE plpgsql AS $$ BEGIN EXECUTE sql; END $$
            """,
            logger: logger
        )
        for migration in pending {
            try await connection.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_temp.nps_run_migration(\(migration.sql))", logger: logger)
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

    private func appliedMigrations(on connection: PostgresConnection) async throws -> [Int: String] {
        let exists =
            try await connection.query(
                "SELECT to_regclass('schema_migrations') IS NOT NULL",
                logger: logger
            ).collect().first?.decode(Bool.self) ?? false
        guard exists else { return [:] }
        var applied: [Int: String] = [:]
        let rows = try await connection.query("SELECT version, checksum FROM schema_migrations", logger: logger)
        for try await (version, checksum) in rows.decode((Int, String).self) {
            applied[version] = checksum
        }
        return applied
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
