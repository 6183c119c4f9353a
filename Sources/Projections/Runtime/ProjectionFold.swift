import EventStore
import Logging
import PostgresNIO

/// Folds projections in-process until each has applied the whole log, for
/// tools that want a fold to finish rather than a service (benchmarks,
/// tests).
///
/// One `Projector.catchUp` stops at the gap-safe horizon: a transaction held
/// open anywhere on the cluster, in any database, holds the horizon back and
/// the events after it wait. So a catch-up that returns is not proof of a
/// current read model; the projections' lag is. This repeats the catch-up
/// until every lag is zero: every projection at once, each on its own
/// connection, as `serve` runs them, or one after the other.
public enum ProjectionFold {
    public struct NotCurrent: Error, CustomStringConvertible {
        public var statuses: [ProjectionStatus]
        public var description: String {
            "projections did not catch up: \(statuses.map { "\($0.name) \($0.lag)" })"
        }
    }

    /// Returns the number of events applied. Throws `NotCurrent` after
    /// `deadline`, and what `Projector.catchUp` throws. `whileBehind` hears
    /// the statuses each time the fold waits for the horizon to move.
    @discardableResult
    public static func untilCurrent(
        _ projections: [any Projection], client: PostgresClient, configuration: ProjectorConfiguration,
        concurrently: Bool = true, deadline: Duration = .seconds(180), logger: Logger,
        whileBehind: @Sendable ([ProjectionStatus]) async -> Void = { _ in }
    ) async throws -> Int {
        let store = ProjectionStore(client: client, logger: logger)
        let end = ContinuousClock.now + deadline
        var applied = 0
        while true {
            let projectors = projections.map {
                Projector(projection: $0, client: client, configuration: configuration, logger: logger)
            }
            if concurrently {
                applied += try await withThrowingTaskGroup(of: Int.self) { group in
                    for projector in projectors { group.addTask { try await projector.catchUp() } }
                    return try await group.reduce(0, +)
                }
            } else {
                for projector in projectors { applied += try await projector.catchUp() }
            }
            let statuses = try await store.status(of: projections)
            if statuses.allSatisfy({ $0.lag.events == 0 }) { return applied }
            guard ContinuousClock.now < end else { throw NotCurrent(statuses: statuses) }
            await whileBehind(statuses)
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
