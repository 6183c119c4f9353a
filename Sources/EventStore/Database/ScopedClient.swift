import Logging
import PostgresNIO

/// Runs `body` with a started client and shuts the client down afterwards,
/// for work that is not a long-lived service (migrations, CLI commands, tests).
@discardableResult
public func withPostgresClient<Result: Sendable>(
    _ url: DatabaseURL,
    maximumConnections: Int = 20,
    logger: Logger,
    _ body: (PostgresClient) async throws -> Result
) async throws -> Result {
    try await withPostgresClient(
        configuration: try url.clientConfiguration(maximumConnections: maximumConnections), logger: logger, body)
}

/// The same with a configuration made by the caller (connection parameters of its own).
@discardableResult
public func withPostgresClient<Result: Sendable>(
    configuration: PostgresClient.Configuration,
    logger: Logger,
    _ body: (PostgresClient) async throws -> Result
) async throws -> Result {
    let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        // The body leases only once run() has begun: PostgresNIO logs a warning
        // for a lease before it, harmless but one an operator would chase on
        // every `migrate`.
        await withCheckedContinuation { (started: CheckedContinuation<Void, Never>) in
            group.addTask {
                started.resume()
                await client.run()
            }
        }
        defer { group.cancelAll() }
        return try await body(client)
    }
}
