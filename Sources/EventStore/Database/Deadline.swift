/// Raised when an operation given a deadline has not finished in time.
public struct DeadlineExceeded: Error, CustomStringConvertible {
    public var timeout: Duration
    public var description: String { "no answer within \(timeout)" }
}

/// Runs `operation`, cancelling it and throwing `DeadlineExceeded` when it
/// takes longer than `timeout`. For a caller that must answer (an HTTP
/// request) while the database may hang: PostgresNIO's pool keeps asking an
/// unreachable server for a minute before it fails a query.
public func withDeadline<Result: Sendable>(
    _ timeout: Duration, _ operation: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let result = first else {
            throw DeadlineExceeded(timeout: timeout)
        }
        return result
    }
}
