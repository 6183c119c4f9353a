import Logging
import PostgresNIO
import Synchronization

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
///
/// The client runs in a task of its own rather than a child task: once
/// `body` is done it is cancelled, and waited for at most
/// `shutdownGrace`: a `run()` that did not return after cancellation would
/// otherwise hold the caller for ever, and hung test runs (no socket open,
/// no timer pending, plain database tests unfinished) are what that would
/// look like; whether it is their cause is not known (docs/operations.md).
/// A client that outlives the grace period is logged and left behind.
@discardableResult
public func withPostgresClient<Result: Sendable>(
    configuration: PostgresClient.Configuration,
    logger: Logger,
    shutdownGrace: Duration = .seconds(20),
    _ body: (PostgresClient) async throws -> Result
) async throws -> Result {
    let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
    let stopped = ClientStopped()
    // The body leases only once run() has begun: PostgresNIO logs a warning
    // for a lease before it, harmless but one an operator would chase on
    // every `migrate`.
    let (begun, begin) = AsyncStream<Void>.makeStream()
    let runner = Task {
        begin.finish()
        await client.run()
        stopped.signal()
    }
    for await _ in begun {}
    do {
        let result = try await body(client)
        await shutDown(runner, stopped: stopped, grace: shutdownGrace, logger: logger)
        return result
    } catch {
        await shutDown(runner, stopped: stopped, grace: shutdownGrace, logger: logger)
        throw error
    }
}

private func shutDown(_ runner: Task<Void, Never>, stopped: ClientStopped, grace: Duration, logger: Logger) async {
    runner.cancel()
    if await !stopped.wait(atMost: grace) {
        logger.error(
            "the database client did not shut down within the grace period; left behind",
            metadata: ["grace": "\(grace)"])
    }
}

/// Set once a client's `run()` has returned; waited for with a time limit.
private final class ClientStopped: Sendable {
    private let state = Mutex<(done: Bool, waiter: CheckedContinuation<Bool, Never>?)>((false, nil))

    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            state.done = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: true)
    }

    /// True when `run()` returned within `limit`.
    func wait(atMost limit: Duration) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let done = state.withLock { state -> Bool in
                if state.done { return true }
                state.waiter = continuation
                return false
            }
            if done {
                continuation.resume(returning: true)
                return
            }
            Task {
                try? await Task.sleep(for: limit)
                let waiter = self.state.withLock { state -> CheckedContinuation<Bool, Never>? in
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume(returning: false)
            }
        }
    }
}
