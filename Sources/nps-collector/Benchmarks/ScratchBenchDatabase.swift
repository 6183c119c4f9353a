import EventStore
import Logging

/// A migrated scratch database for one benchmark run, dropped afterwards:
/// benchmarks never touch the real log.
enum ScratchBenchDatabase {
    static func with<Result: Sendable>(
        logger: Logger,
        _ body: (_ owner: DatabaseURL, _ app: DatabaseURL) async throws -> Result
    ) async throws -> Result {
        let ownerURL = try EnvironmentSettings.migrateDatabaseURL()
        let scratchOwner = try await ScratchDatabase.create(using: ownerURL, prefix: "nps_bench", logger: logger)
        let scratchApp = try EnvironmentSettings.databaseURL().with(database: scratchOwner.database)
        do {
            try await withPostgresClient(scratchOwner, maximumConnections: 1, logger: logger) { owner in
                try await MigrationRunner(logger: logger).migrate(owner)
            }
            let result = try await body(scratchOwner, scratchApp)
            try await ScratchDatabase.drop(scratchOwner, using: ownerURL, logger: logger)
            return result
        } catch {
            try? await ScratchDatabase.drop(scratchOwner, using: ownerURL, logger: logger)
            throw error
        }
    }
}
