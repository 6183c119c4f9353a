import EventStore
import Logging
import PostgresNIO

/// What must hold before the collector takes traffic.
protocol ReadinessCheck: Sendable {
    func check() async throws
    /// A reason safe to show to anyone: no addresses, SQL or credentials.
    func describe(_ error: any Error) -> String
}

/// Ready when the database answers within a few seconds and has applied
/// exactly this binary's migrations.
struct DatabaseReadiness: ReadinessCheck {
    let database: PostgresClient
    let logger: Logger

    func check() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await MigrationRunner(logger: logger).verifyCurrent(database) }
            group.addTask {
                try await Task.sleep(for: .seconds(3))
                throw ReadinessTimeout()
            }
            try await group.next()
            group.cancelAll()
        }
    }

    func describe(_ error: any Error) -> String {
        switch error {
        case let error as MigrationError: error.description
        case is ReadinessTimeout: "the database did not answer within 3 seconds"
        default: "the database is unreachable"
        }
    }
}

struct ReadinessTimeout: Error {}
