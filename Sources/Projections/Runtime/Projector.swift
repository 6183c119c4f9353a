import EventStore
import Logging
import Metrics
import PostgresNIO

/// Runs one projection for as long as its task lives: takes ownership when
/// it is free, then applies batch after batch, each batch and its checkpoint
/// in one transaction. Never throws: database trouble is logged and retried
/// with backoff, and an event that cannot be applied halts this projection
/// (recorded in its row) while the others go on.
public struct Projector: Sendable {
    public let projection: any Projection
    public let client: PostgresClient
    public let configuration: ProjectorConfiguration
    public let logger: Logger
    private let appliedEvents: Counter

    public init(
        projection: any Projection,
        client: PostgresClient,
        configuration: ProjectorConfiguration,
        logger: Logger
    ) {
        self.projection = projection
        self.client = client
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "projection"] = "\(projection.name)"
        self.logger = logger
        self.appliedEvents = Counter(
            label: "nps_projection_events_total", dimensions: [("projection", projection.name)])
    }

    enum Step: Equatable {
        case applied(events: Int)
        case caughtUp
        /// Nothing below the gap-safe horizon, but committed events above it:
        /// a transaction still open holds them back (an upload in flight,
        /// another projection's batch). They can be folded once it ends,
        /// which notifies nobody when it wrote no event.
        case held
        case halted
        /// The checkpoint moved after it was read (a replay swapped its rebuild
        /// in): nothing was applied, and the next step reads it again.
        case overtaken
    }

    /// Returns when the task is cancelled, after the batch in flight has committed.
    public func run(notifications: AppendNotifications) async {
        let firstBackoff = Duration.milliseconds(200)
        var backoff = firstBackoff
        while !Task.isCancelled {
            do {
                let owned = try await client.withConnection(leaseTimeout: configuration.leaseTimeout) { connection in
                    try await ownAndProject(on: connection, notifications: notifications)
                }
                backoff = firstBackoff
                if !owned { try? await Task.sleep(for: configuration.takeoverInterval) }
            } catch {
                if Task.isCancelled { return }
                logger.warning(
                    "projector failed; retrying",
                    metadata: ["error": "\(ProjectionFailure.describe(error))", "retryIn": "\(backoff)"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, configuration.maximumBackoff)
            }
        }
    }

    /// False when another process owns the projection.
    private func ownAndProject(
        on connection: PostgresConnection, notifications: AppendNotifications
    ) async throws
        -> Bool
    {
        let acquired = try await ConnectionLost.racing(connection) {
            try await ProjectionOwnership.tryAcquire(projection.name, on: connection, logger: logger)
        }
        guard acquired else { return false }
        do {
            try await ConnectionLost.racing(connection) {
                try await ProjectionStore.register(
                    projection, owner: configuration.owner, on: connection, logger: logger)
            }
            logger.info("took ownership", metadata: ["owner": "\(configuration.owner)"])
            try await projectWhileOwner(on: connection, notifications: notifications)
            try await releaseOwnership(on: connection)
            return true
        } catch {
            // On a broken connection the lock is gone with the session already.
            try? await releaseOwnership(on: connection)
            throw error
        }
    }

    private func projectWhileOwner(
        on connection: PostgresConnection, notifications: AppendNotifications
    )
        async throws
    {
        var sizing = BatchSizing(configuration)
        var heldRecheck = configuration.heldRecheckInterval
        while !Task.isCancelled {
            let seen = await notifications.generation
            let limit = sizing.limit
            // A batch is not cut short by shutdown: the loop stops after it.
            let step = try await ConnectionLost.racing(connection) {
                try await self.step(on: connection, limit: limit)
            }
            sizing.observe(step)
            if step != .held { heldRecheck = configuration.heldRecheckInterval }
            switch step {
            case .applied, .overtaken:
                continue
            case .caughtUp:
                await notifications.wait(since: seen, timeout: configuration.pollInterval)
            case .held:
                try? await Task.sleep(for: heldRecheck)
                heldRecheck = min(heldRecheck * 2, configuration.pollInterval)
            case .halted:
                try? await Task.sleep(for: configuration.haltedRecheckInterval)
            }
        }
    }

    /// Runs even when the task is being cancelled (shutdown): the connection
    /// goes back to the pool, and must not take the lock with it.
    private func releaseOwnership(on connection: PostgresConnection) async throws {
        try await ConnectionLost.racing(connection) {
            try await ProjectionOwnership.release(projection.name, on: connection, logger: logger)
        }
    }

    /// One batch: read its range, fold it, advance the checkpoint; or find and record the event that fails.
    /// With `end`, the batch stops there at the latest (a rebuild that must not pass the live read model).
    /// `limit`: the most events it takes (`BatchSizing`; the live batch size by default).
    func step(on connection: PostgresConnection, upTo end: Checkpoint? = nil, limit: Int? = nil) async throws -> Step {
        let state = try await ProjectionStore.state(of: projection.name, on: connection, logger: logger)
        return try await step(from: state, on: connection, upTo: end, limit: limit)
    }

    /// `step` from a state read earlier, which may be stale by now.
    func step(
        from state: ProjectionStore.State, on connection: PostgresConnection, upTo end: Checkpoint? = nil,
        limit: Int? = nil
    ) async throws -> Step {
        if state.isHalted { return .halted }
        do {
            do {
                let step = try await connection.inTransaction(logger: logger) { connection in
                    try await foldNextBatch(after: state.checkpoint, upTo: end, limit: limit, on: connection)
                }
                if case .applied(let events) = step { appliedEvents.increment(by: events) }
                return step
            } catch  where ProjectionFailure.isCausedByEvents(error) {
                // Searched for within a live-sized batch: after a larger one, the first such batch
                // commits if the culprit lies beyond it, and the next steps, live-sized again, reach it.
                return try await haltAtFailingEvent(
                    after: state.checkpoint, limit: configuration.batchSize, on: connection)
            }
        } catch is CheckpointMoved {
            logger.notice("the checkpoint moved under this batch, which was rolled back; reading it again")
            return .overtaken
        }
    }

    /// Folds the next batch after `checkpoint` (ending at `end` at the
    /// latest) and moves the checkpoint over it, in the caller's transaction.
    func foldNextBatch(
        after checkpoint: Checkpoint, upTo end: Checkpoint? = nil, limit: Int? = nil,
        on connection: PostgresConnection
    ) async throws
        -> Step
    {
        guard
            let range = try await EventBatches.next(
                after: checkpoint, limit: limit ?? configuration.batchSize, upTo: end, on: connection,
                logger: logger)
        else {
            guard end == nil else { return .caughtUp }
            return try await EventBatches.anyAfterHorizon(checkpoint, on: connection, logger: logger)
                ? .held : .caughtUp
        }
        try await fold(range, on: connection)
        return .applied(events: range.events)
    }

    /// Folds `range` and moves the checkpoint over it, in the caller's transaction.
    ///
    /// The projection's row is locked at the checkpoint the range starts
    /// from before anything is applied: a checkpoint that moved since it was
    /// read (a replay's swap brings tables already holding these events)
    /// throws `CheckpointMoved` rather than folding the range again, which
    /// would fail on the new tables and halt a healthy projection. Row
    /// first, tables after: the order a swap takes them too.
    private func fold(_ range: EventRange, on connection: PostgresConnection) async throws {
        // A batch whose commit is lost in a crash is applied again from the
        // checkpoint committed with it, so waiting for the disk buys nothing.
        try await connection.query("SET LOCAL synchronous_commit = off", logger: logger)
        guard try await ProjectionStore.lock(projection.name, at: range.after, on: connection, logger: logger)
        else { throw CheckpointMoved(projection: projection.name) }
        try await projection.apply(range, on: connection, logger: logger)
        try await ProjectionStore.advance(
            projection.name, to: range.through, events: range.events, on: connection, logger: logger)
    }

    /// The batch failed as a whole. Its first half is folded alone: if that
    /// fails the culprit is in it, else it is committed and the culprit is in
    /// the rest. A batch of n events finds its culprit in about log2(n)
    /// transactions, commits every event before it, and halts there.
    private func haltAtFailingEvent(
        after checkpoint: Checkpoint, limit: Int, on connection: PostgresConnection
    )
        async throws -> Step
    {
        var suspects = try await EventLog.read(after: checkpoint, limit: limit, on: connection, logger: logger).events
        var reached = checkpoint
        var applied = 0
        defer { appliedEvents.increment(by: applied) }
        while let first = suspects.first {
            let half = Array(suspects.prefix(max(1, suspects.count / 2)))
            let range = EventRange(after: reached, through: half[half.count - 1].checkpoint, events: half.count)
            do {
                try await connection.inTransaction(logger: logger) { try await fold(range, on: $0) }
                applied += half.count
                reached = range.through
                suspects.removeFirst(half.count)
            } catch  where ProjectionFailure.isCausedByEvents(error) {
                guard half.count == 1 else {
                    suspects = half
                    continue
                }
                guard
                    try await ProjectionStore.halt(
                        projection.name, at: first, after: reached, error: ProjectionFailure.describe(error),
                        on: connection, logger: logger)
                else { throw CheckpointMoved(projection: projection.name) }
                logger.error(
                    "halted: an event cannot be applied",
                    metadata: ["position": "\(first.position)", "eventID": "\(first.id)", "type": "\(first.type)"])
                return .halted
            }
        }
        // Every event went through on its own: the failure did not come back.
        return .applied(events: applied)
    }
}

/// The next batch of a reader (`schema/functions/event_batch_end.sql`).
enum EventBatches {
    /// With `end`, the batch stops there at the latest: `end` must be a
    /// checkpoint some reader reached (so every event before it has committed).
    static func next(
        after checkpoint: Checkpoint, limit: Int, upTo end: Checkpoint? = nil, on connection: PostgresConnection,
        logger: Logger
    )
        async throws -> EventRange?
    {
        if let end, checkpoint >= end { return nil }
        guard let range = try await nextUnbounded(after: checkpoint, limit: limit, on: connection, logger: logger)
        else { return nil }
        guard let end, range.through > end else { return range }
        let events = try await count(after: checkpoint, through: end, on: connection, logger: logger)
        return EventRange(after: checkpoint, through: end, events: events)
    }

    /// The events after `checkpoint`, up to `end` when given: from the read-order index alone
    /// (`event_log_lag` also reads each event's time from the table).
    static func count(
        after checkpoint: Checkpoint, through end: Checkpoint? = nil, on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Int {
        let end = end ?? Checkpoint(transactionID: .max, position: .max)
        let rows = try await connection.query(
            """
            SELECT count(*)::int8 FROM event_log e
             WHERE (e.transaction_id, e.position) > (\(String(checkpoint.transactionID))::xid8, \(checkpoint.position))
               AND (e.transaction_id, e.position) <= (\(String(end.transactionID))::xid8, \(end.position))
            """,
            logger: logger
        )
        var events = 0
        for try await count in rows.decode(Int.self) { events = count }
        return events
    }

    /// Whether committed events follow `checkpoint` that no batch may read
    /// yet: when `next` found none, those it sees are above the horizon.
    static func anyAfterHorizon(
        _ checkpoint: Checkpoint, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let rows = try await connection.query(
            """
            SELECT EXISTS (SELECT FROM event_log e
                            WHERE (e.transaction_id, e.position)
                                  > (\(String(checkpoint.transactionID))::xid8, \(checkpoint.position)))
            """,
            logger: logger
        )
        for try await held in rows.decode(Bool.self) { return held }
        return false
    }

    private static func nextUnbounded(
        after checkpoint: Checkpoint, limit: Int, on connection: PostgresConnection, logger: Logger
    )
        async throws -> EventRange?
    {
        let rows = try await connection.query(
            """
            SELECT events, last_transaction::text, last_position
              FROM event_batch_end(\(String(checkpoint.transactionID))::xid8, \(checkpoint.position), \(Int32(clamping: limit)))
            """,
            logger: logger
        )
        for try await (events, transactionID, position) in rows.decode((Int32, String, Int64).self) {
            return EventRange(
                after: checkpoint,
                through: Checkpoint(transactionID: UInt64(transactionID) ?? 0, position: position),
                events: Int(events)
            )
        }
        return nil
    }
}

extension Projector {
    /// Applies batches until the projection has read every event below the
    /// gap-safe horizon, then returns how many it applied. A transaction open
    /// anywhere on the cluster holds that horizon back, so this may stop
    /// short of the log's head: `ProjectionFold.untilCurrent` folds it all.
    /// Throws `ProjectionOwned` when another process owns the projection, and
    /// `ProjectionHalted` when it halts.
    public func catchUp() async throws -> Int {
        try await client.withConnection { connection in
            guard try await ProjectionOwnership.tryAcquire(projection.name, on: connection, logger: logger) else {
                throw ProjectionOwned(name: projection.name)
            }
            do {
                try await ProjectionStore.register(
                    projection, owner: configuration.owner, on: connection, logger: logger)
                var applied = 0
                var sizing = BatchSizing(configuration)
                loop: while true {
                    let step = try await step(on: connection, limit: sizing.limit)
                    sizing.observe(step)
                    switch step {
                    case .applied(let events): applied += events
                    case .overtaken: continue
                    case .caughtUp, .held: break loop
                    case .halted: throw ProjectionHalted(name: projection.name)
                    }
                }
                try await releaseOwnership(on: connection)
                return applied
            } catch {
                try? await releaseOwnership(on: connection)
                throw error
            }
        }
    }
}

public struct ProjectionOwned: Error, CustomStringConvertible {
    public var name: String
    public var description: String { "projection \(name) is owned by another process" }
}

public struct ProjectionHalted: Error, CustomStringConvertible {
    public var name: String
    public var description: String { "projection \(name) is halted; see its status" }
}
