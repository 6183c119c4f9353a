import EventStore
import Foundation
import Logging
import PostgresNIO

/// A database of its own for one test, on the cluster `./tools/test` starts
/// (NPS_TEST_MIGRATE_DATABASE_URL and NPS_TEST_DATABASE_URL), with a client as
/// the owner role and one as the application role. Dropped afterwards.
public struct TestDatabase: Sendable {
    public let ownerURL: DatabaseURL
    public let appURL: DatabaseURL
    /// The owner role: migrations and what the application may not do.
    public let owner: PostgresClient
    /// The application role, with only the privileges the server has.
    public let app: PostgresClient
    public let logger: Logger

    public var log: EventLog { EventLog(client: app, logger: logger) }

    public static func clusterURLs() throws -> (owner: DatabaseURL, app: DatabaseURL) {
        let environment = ProcessInfo.processInfo.environment
        guard let owner = environment["NPS_TEST_MIGRATE_DATABASE_URL"],
            let app = environment["NPS_TEST_DATABASE_URL"]
        else {
            throw TestDatabaseError(
                "NPS_TEST_MIGRATE_DATABASE_URL and NPS_TEST_DATABASE_URL are not set: run the suite with ./tools/test"
            )
        }
        return (try DatabaseURL(owner), try DatabaseURL(app))
    }

    /// Runs `body` against a fresh database, migrated unless `migrated` is false.
    public static func with<Result: Sendable>(
        migrated: Bool = true,
        _ body: (TestDatabase) async throws -> Result
    ) async throws -> Result {
        var logger = Logger(label: "test")
        logger.logLevel = .error
        let cluster = try clusterURLs()
        let ownerURL = try await ScratchDatabase.create(using: cluster.owner, prefix: "nps_test", logger: logger)
        let appURL = cluster.app.with(database: ownerURL.database)
        do {
            let result = try await withPostgresClient(ownerURL, logger: logger) { owner in
                try await withPostgresClient(appURL, logger: logger) { app in
                    if migrated { try await MigrationRunner(logger: logger).migrate(owner) }
                    return try await body(
                        TestDatabase(ownerURL: ownerURL, appURL: appURL, owner: owner, app: app, logger: logger)
                    )
                }
            }
            try await ScratchDatabase.drop(ownerURL, using: cluster.owner, logger: logger)
            return result
        } catch {
            try? await ScratchDatabase.drop(ownerURL, using: cluster.owner, logger: logger)
            // PSQLError hides its details from descriptions; a failing test needs them.
            if error is PSQLError { throw TestDatabaseError(String(reflecting: error)) }
            throw error
        }
    }

    /// The number of rows in the log, counted by the owner.
    public func eventCount() async throws -> Int {
        try await owner.query("SELECT count(*)::int8 FROM event_log", logger: logger)
            .collect().first?.decode(Int.self) ?? -1
    }
}

public struct TestDatabaseError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
