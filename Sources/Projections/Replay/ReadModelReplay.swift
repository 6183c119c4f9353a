import EventStore
import Foundation
import Logging
import NPSDomain
import PostgresNIO
import Synchronization

/// Rebuilds one read model from the log alone into its shadow schema
/// (`ShadowSchema`) while the live tables keep answering, then either swaps
/// the rebuild in (`replay`) or compares it with the live tables row by row
/// (`replay --verify`).
///
/// Interruption at any point leaves the live tables as they were: the
/// shadow is built in its own schema, each batch commits with its
/// checkpoint, and the swap is one transaction. The next replay resumes the
/// shadow where it stopped (or starts afresh when the read model's
/// definition changed meanwhile); `clean` drops shadows nobody is building.
///
/// Runs as the owner role: it creates schemas and moves tables.
public struct ReadModelReplay: Sendable {
    public enum Mode: String, Sendable, Codable {
        case swap, verify
    }

    public struct Outcome: Sendable, Codable {
        public var readModel: String
        public var mode: Mode
        /// True when an interrupted rebuild was taken up again.
        public var resumed: Bool
        public var events: Int
        public var seconds: Double
        public var eventsPerSecond: Double
        /// Verify only: the number of rows that differ, and the first of them.
        public var differences: Int?
        public var firstDifferences: [ReadModelDifference]?
    }

    public static let differencesShown = 20

    public let readModel: String
    public let owner: DatabaseURL
    public let configuration: ProjectorConfiguration
    public let logger: Logger
    let shadow: ShadowSchema

    public init(readModel: String, owner: DatabaseURL, configuration: ProjectorConfiguration, logger: Logger) throws {
        guard ProjectionCatalog.readModels.contains(readModel) else {
            throw UnknownReadModel(name: readModel)
        }
        self.readModel = readModel
        self.owner = owner
        self.configuration = configuration
        self.logger = logger
        self.shadow = ShadowSchema(readModel: readModel)
    }

    public func run(
        _ mode: Mode, progress report: @escaping @Sendable (ReplayProgress) -> Void = { _ in }
    ) async throws -> Outcome {
        let started = ContinuousClock.now
        var shadowConfiguration = try owner.clientConfiguration(maximumConnections: max(shadow.projections.count, 1))
        shadowConfiguration.options.additionalStartupParameters.append(("search_path", shadow.searchPath))
        return try await withPostgresClient(owner, maximumConnections: 1, logger: logger) { client in
            try await withPostgresClient(configuration: shadowConfiguration, logger: logger) { shadowClient in
                try await client.withConnection { connection in
                    let outcome = try await ReplayLock.whileHeld(shadow.name, on: connection, logger: logger) {
                        try await replay(
                            mode, started: started, control: connection, shadowClient: shadowClient, report: report)
                    }
                    guard let outcome else { throw ReplayInProgress(readModel: readModel) }
                    return outcome
                }
            }
        }
    }

    private func replay(
        _ mode: Mode, started: ContinuousClock.Instant, control: PostgresConnection, shadowClient: PostgresClient,
        report: @escaping @Sendable (ReplayProgress) -> Void
    ) async throws -> Outcome {
        let resumed = try await prepareShadow(on: control)
        let total = try await eventsToFold(on: control)
        let folded = FoldedEvents()
        let readModel = readModel
        let progress = { @Sendable (phase: ReplayProgress.Phase, events: Int) in
            let done = folded.add(events)
            report(
                ReplayProgress(
                    readModel: readModel, phase: phase, events: done, total: total,
                    seconds: (ContinuousClock.now - started).seconds))
        }
        progress(.building, 0)
        logger.info(
            "rebuilding", metadata: ["readModel": "\(readModel)", "shadow": "\(shadow.name)", "resumed": "\(resumed)"])

        let build = ShadowBuild(
            shadow: shadow, client: shadowClient, configuration: configuration.rebuilding, logger: logger)
        try await build.run(stayingBehindLive: mode == .verify) { progress(.building, $0) }

        var outcome = Outcome(
            readModel: readModel, mode: mode, resumed: resumed, events: 0, seconds: 0, eventsPerSecond: 0)
        switch mode {
        case .swap:
            // What arrived during the build is folded outside the lock first, so the locked moment stays short.
            try await build.run(stayingBehindLive: false) { progress(.building, $0) }
            // Built once over the folded tables rather than maintained by every batch.
            try await shadow.createIndexes(on: control, logger: logger)
            progress(.swapping, 0)
            try await swap(build, progress: { progress(.swapping, $0) })
        case .verify:
            progress(.comparing, 0)
            let differences = try await compare(build, progress: { progress(.comparing, $0) })
            outcome.differences = differences.count
            outcome.firstDifferences = differences.first
            try await shadow.drop(on: control, logger: logger)
        }
        progress(.done, 0)
        outcome.events = folded.add(0)
        outcome.seconds = (ContinuousClock.now - started).seconds
        outcome.eventsPerSecond = outcome.seconds > 0 ? Double(outcome.events) / outcome.seconds : 0
        logger.info(
            "replayed",
            metadata: [
                "readModel": "\(readModel)", "mode": "\(mode.rawValue)", "events": "\(outcome.events)",
                "seconds": "\(outcome.seconds)", "differences": "\(outcome.differences.map(String.init) ?? "-")",
            ])
        return outcome
    }

    /// Creates the shadow, or keeps an interrupted one that this binary's
    /// definition of the read model can resume. True when it resumes.
    private func prepareShadow(on connection: PostgresConnection) async throws -> Bool {
        if try await shadow.exists(on: connection, logger: logger) {
            if try await shadow.isResumable(on: connection, logger: logger) { return true }
            logger.notice("dropping a shadow left by another definition", metadata: ["shadow": "\(shadow.name)"])
            try await shadow.drop(on: connection, logger: logger)
        }
        try await shadow.create(on: connection, logger: logger)
        return false
    }

    /// The events the shadow's projections have left to read, summed (each shard reads the whole log): the
    /// progress's total. Counted once per distinct checkpoint (a new shadow's shards all start at the
    /// beginning), from the index alone: `event_log_lag`, counted per shard one after the other before the
    /// build could start, took 3.1 s a shard at 10,000,000 events against 1.1 s for one such count.
    private func eventsToFold(on connection: PostgresConnection) async throws -> Int {
        let checkpoints = try await shadow.checkpoints(on: connection, logger: logger).values
        var total = 0
        for (checkpoint, projections) in Dictionary(grouping: checkpoints, by: { $0 }) {
            total += try await EventBatches.count(after: checkpoint, on: connection, logger: logger) * projections.count
        }
        return total
    }

    /// One transaction on a shadow connection: lock the live projections'
    /// rows, then the live tables in the order the folds write them, which
    /// is the order a live batch takes them (`Projector.fold`): a batch in
    /// flight commits first, and the next waits, then finds its checkpoint
    /// moved and reads it again. Then fold the events that arrived since, and
    /// swap. Retried when PostgreSQL picks it as the victim of a deadlock.
    private func swap(_ build: ShadowBuild, progress: @escaping @Sendable (Int) -> Void) async throws {
        let tables = shadow.tables
        let lockedTables = tables.map { "public.\($0)" }.joined(separator: ", ")
        let projections = shadow.projections.map(\.name)
        for attempt in 1... {
            do {
                try await build.client.inTransaction(logger: logger) { connection in
                    _ = try await connection.query(
                        "SELECT 1 FROM public.projections WHERE name = ANY(\(projections)) ORDER BY name FOR UPDATE",
                        logger: logger
                    ).collect()
                    try await connection.query(
                        "LOCK TABLE \(unescaped: lockedTables) IN ACCESS EXCLUSIVE MODE", logger: logger)
                    let folded = try await build.foldRemaining(stayingBehindLive: false, on: connection)
                    progress(folded)
                    // The function's error arrives with its result, so the result is read to the end.
                    _ = try await connection.query(
                        "SELECT replay_swap(\(shadow.name), \(tables))", logger: logger
                    ).collect()
                    // The answers' version must move even when the rebuild ends at the live checkpoint.
                    try await connection.query(
                        "UPDATE public.projections SET rebuilds = rebuilds + 1 WHERE name = ANY(\(projections))",
                        logger: logger)
                }
                return
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "40P01" && attempt < 5 {
                logger.notice("swap chosen as a deadlock victim; trying again", metadata: ["attempt": "\(attempt)"])
            }
        }
    }

    /// In one snapshot (REPEATABLE READ): the live checkpoints, the shadow
    /// folded up to exactly them, and the two sets of tables compared.
    /// Nothing live is locked: the live projector goes on meanwhile.
    private func compare(
        _ build: ShadowBuild, progress: @escaping @Sendable (Int) -> Void
    ) async throws -> (count: Int, first: [ReadModelDifference]) {
        let comparison = ReadModelComparison(shadow: shadow, logger: logger)
        return try await build.client.inTransaction(logger: logger) { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", logger: logger)
            let folded = try await build.foldRemaining(stayingBehindLive: true, on: connection)
            progress(folded)
            return try await comparison.differences(limit: Self.differencesShown, on: connection)
        }
    }
}

extension ReadModelReplay {
    /// Drops every shadow schema that no replay is building (left by an
    /// interrupted one). Returns the names of the schemas dropped.
    public static func clean(owner: DatabaseURL, logger: Logger) async throws -> [String] {
        try await withPostgresClient(owner, maximumConnections: 1, logger: logger) { client in
            try await client.withConnection { connection in
                let rows = try await connection.query(
                    """
                    SELECT nspname::text FROM pg_namespace
                     WHERE nspname ~ \("^" + ShadowSchema.prefix + "[a-z_]+$") ORDER BY nspname
                    """,
                    logger: logger)
                var schemas: [String] = []
                for try await schema in rows.decode(String.self) { schemas.append(schema) }
                var dropped: [String] = []
                for schema in schemas {
                    let readModel = String(schema.dropFirst(ShadowSchema.prefix.count))
                    let shadow = ShadowSchema(readModel: readModel.replacingOccurrences(of: "_retired", with: ""))
                    // The name matched [a-z_]+ above: a plain identifier.
                    let wasFree = try await ReplayLock.whileHeld(shadow.name, on: connection, logger: logger) {
                        _ = try await connection.query("DROP SCHEMA \(unescaped: schema) CASCADE", logger: logger)
                        return true
                    }
                    if wasFree == true { dropped.append(schema) }
                }
                return dropped
            }
        }
    }
}

/// Events folded so far, added to by the shards from their tasks.
private final class FoldedEvents: Sendable {
    private let count = Mutex(0)

    /// Adds `events` and returns the new total.
    func add(_ events: Int) -> Int {
        count.withLock { count in
            count += events
            return count
        }
    }
}

public struct UnknownReadModel: Error, CustomStringConvertible {
    public var name: String

    public init(name: String) { self.name = name }

    public var description: String {
        "unknown read model \(name); known: \(ProjectionCatalog.readModels.joined(separator: ", "))"
    }
}
