import ArgumentParser
import EventStore

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Apply pending migrations and changed function, view and trigger files from schema/"
            + " (as the owner role, MIGRATE_DATABASE_URL)."
    )

    func run() async throws {
        let logger = EnvironmentSettings.logger("nps-collector.migrate")
        let url = try EnvironmentSettings.migrateDatabaseURL()
        let runner = MigrationRunner(logger: logger)
        let applied = try await withPostgresClient(url, maximumConnections: 1, logger: logger) { client in
            try await runner.migrate(client)
        }
        print(
            applied.isEmpty
                ? "database is up to date at migration \(runner.latestVersion)"
                : "applied \((applied.migrations.map(\.fileName) + applied.repeatables.map(\.path)).joined(separator: ", "))"
        )
    }
}
