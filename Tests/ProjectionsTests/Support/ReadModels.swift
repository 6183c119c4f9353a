import EventStore
import Foundation
import Logging
import PostgresNIO
import Projections
import ServiceLifecycle
import TestSupport
import Testing

/// Every table of every projection, each as its rows in text form (JSON objects), sorted.
/// Times in the read models come from the log (`recorded_at`), never from
/// the moment of the fold, so two folds of one log give equal snapshots.
typealias Snapshot = [String: [String]]

enum ReadModels {
    /// Columns a fold keeps for itself, which say how the batches fell rather
    /// than what the log holds: left out of snapshots (absent ones are ignored).
    static let bookkeeping: [String: [String]] = ProjectionCatalog.all.reduce(into: [:]) { columns, projection in
        columns.merge(projection.bookkeepingColumns) { kept, _ in kept }
    }

    /// A table a database does not have yet (one migrated to an older version) is left out.
    static func snapshot(_ database: TestDatabase) async throws -> Snapshot {
        var snapshot: Snapshot = [:]
        let tables = ProjectionCatalog.all.flatMap(\.tables)
        var existing: Set<String> = []
        let found = try await database.app.query(
            "SELECT name FROM unnest(\(tables)::text[]) AS name WHERE to_regclass(name) IS NOT NULL",
            logger: database.logger)
        for try await name in found.decode(String.self) { existing.insert(name) }
        // Shards of one read model share its tables.
        for table in tables where snapshot[table] == nil && existing.contains(table) {
            let rows = try await database.app.query(
                "SELECT (to_jsonb(t) - \(bookkeeping[table] ?? [])::text[])::text FROM \(unescaped: table) t ORDER BY 1",
                logger: database.logger)
            var texts: [String] = []
            for try await text in rows.decode(String.self) { texts.append(text) }
            snapshot[table] = texts
        }
        return snapshot
    }

    /// Resets every read model (tables emptied, checkpoints at the beginning),
    /// folds each projection in-process until it has read the whole log, and
    /// takes the snapshot. No projector may be running.
    /// Batches of `batchSize` events, growing to `catchUpBatchSize` while behind (`BatchSizing`).
    static func foldFromScratch(
        _ database: TestDatabase, batchSize: Int = 10_000, catchUpBatchSize: Int? = nil
    ) async throws -> Snapshot {
        let store = ProjectionStore(client: database.app, logger: database.logger)
        for readModel in ProjectionCatalog.readModels { try await store.reset(readModel: readModel) }
        try await ProjectionCatchUp.untilCurrent(
            database, batchSize: batchSize, catchUpBatchSize: catchUpBatchSize ?? batchSize, deadline: .seconds(120))
        return try await snapshot(database)
    }

    /// One line per table whose rows differ, with a few of the rows found
    /// only on either side; empty when the snapshots are equal.
    static func differences(_ actual: Snapshot, _ expected: Snapshot) -> [String] {
        Set(actual.keys).union(expected.keys).sorted().compactMap { table in
            let mine = actual[table] ?? []
            let theirs = expected[table] ?? []
            if mine == theirs { return nil }
            let onlyMine = Set(mine).subtracting(theirs).sorted()
            let onlyTheirs = Set(theirs).subtracting(mine).sorted()
            return """
                \(table): \(mine.count) rows against \(theirs.count) expected; \
                \(onlyMine.count) only in the projected, e.g. \(Array(onlyMine.prefix(3))); \
                \(onlyTheirs.count) only in the fold from scratch, e.g. \(Array(onlyTheirs.prefix(3)))
                """
        }
    }

    /// Records an issue naming every table that differs.
    static func expectEqual(
        _ projected: Snapshot, _ folded: Snapshot, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let differences = differences(projected, folded)
        #expect(
            differences.isEmpty,
            "read models differ from a fold from scratch:\n\(differences.joined(separator: "\n"))",
            sourceLocation: sourceLocation)
    }

    /// The number of rows of `table`.
    static func count(_ table: String, in database: TestDatabase, where condition: String = "true") async throws -> Int
    {
        let rows = try await database.app.query(
            "SELECT count(*)::int8 FROM \(unescaped: table) WHERE \(unescaped: condition)", logger: database.logger)
        for try await count in rows.decode(Int.self) { return count }
        return -1
    }
}

/// The names of the projections that fold the votes read model (its shards).
let votesProjections = Set(ProjectionCatalog.projections(of: "votes").map(\.name))

/// Where the projections are, by name.
func projectionStatus(_ database: TestDatabase) async throws -> [String: ProjectionStatus] {
    let statuses = try await ProjectionStore(client: database.app, logger: database.logger).status()
    return Dictionary(uniqueKeysWithValues: statuses.map { ($0.name, $0) })
}

/// Asks `probe` every `interval` until it answers, or `timeout` passes (nil then).
func poll<Value>(
    timeout: Duration, every interval: Duration = .milliseconds(50), _ probe: () async throws -> Value?
) async throws -> Value? {
    let end = ContinuousClock.now + timeout
    while true {
        if let value = try await probe() { return value }
        guard ContinuousClock.now < end else { return nil }
        try await Task.sleep(for: interval)
    }
}

/// Waits until every projection has read the whole log (and, if given, is owned by `owner`).
@discardableResult
func waitUntilCaughtUp(
    _ database: TestDatabase, ownedBy owner: ChildProcess? = nil, timeout: Duration = .seconds(180)
) async throws -> [String: ProjectionStatus] {
    var last: [String: ProjectionStatus] = [:]
    let caughtUp = try await poll(timeout: timeout, every: .milliseconds(100)) { () -> Bool? in
        last = try await projectionStatus(database)
        let done = last.values.allSatisfy { status in
            status.lag.events == 0 && status.error == nil
                && (owner.map { status.owner?.hasSuffix("/\($0.pid)") == true } ?? true)
        }
        return done ? true : nil
    }
    guard caughtUp != nil else {
        throw TestDatabaseError(
            "the projections did not catch up within \(timeout): \(last.values.map(\.summary).sorted())")
    }
    return last
}

/// Runs `body` while a `ProjectorService` projects in-process (in a service
/// group, as `serve` runs it), then shuts the service down gracefully, also
/// when `body` throws.
func withProjectorService<Result>(
    _ database: TestDatabase, configuration: ProjectorConfiguration, _ body: () async throws -> Result
) async throws -> Result {
    let service = ProjectorService(client: database.app, configuration: configuration, logger: database.logger)
    let group = ServiceGroup(services: [service], logger: database.logger)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let result: Result
        do {
            result = try await body()
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return result
    }
}

/// Once its projectors have stopped (gracefully, or with their process),
/// the status names no owner: the advisory locks went with them.
func expectNoOwner(_ database: TestDatabase, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let released = try await poll(timeout: .seconds(60)) { () -> Bool? in
        try await projectionStatus(database).values.allSatisfy { $0.owner == nil } ? true : nil
    }
    let statuses = try await projectionStatus(database).values.map(\.summary).sorted()
    #expect(
        released != nil, "a projection still shows an owner after its projector stopped: \(statuses)",
        sourceLocation: sourceLocation)
}
