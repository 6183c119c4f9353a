import EventStore
import Foundation

/// How projectors run. Every setting has an environment variable and a flag
/// of `nps-collector serve` and `project` (see README, "Configuration").
public struct ProjectorConfiguration: Sendable {
    /// NPS_PROJECTION_BATCH: the most events one transaction applies while
    /// the projection keeps up with the log.
    public var batchSize: Int
    /// NPS_PROJECTION_CATCH_UP_BATCH: the most events one transaction
    /// applies while the projection is behind (a backlog, a rebuild). See
    /// `BatchSizing`.
    public var catchUpBatchSize: Int
    /// NPS_REBUILD_BATCH: the same for a rebuild's shadow (`replay`, a
    /// background upgrade). Nobody reads a shadow until its swap, so a large
    /// batch only risks the work an interruption loses (the next replay
    /// resumes at the last committed batch) and one long transaction; it
    /// saves the fixed part of every batch it replaces (one upsert per
    /// workspace touched). Live projectors keep `catchUpBatchSize`: a long
    /// live batch would hold back what analysts see, and a replay's swap
    /// waits for it behind a lock that readers then queue behind. See
    /// docs/benchmarks.md, "replay".
    public var rebuildBatchSize: Int
    /// How long a caught-up projector waits for a notification before it
    /// reads anyway (a lost NOTIFY only delays it by this much).
    public var pollInterval: Duration
    /// How soon a projector looks again when committed events wait behind a
    /// transaction still open (`Projector.Step.held`), doubled on each look
    /// up to `pollInterval`: the transaction that holds them may write no
    /// event, and then its end notifies nobody.
    public var heldRecheckInterval: Duration
    /// How often a process that does not own a projection asks for it: the
    /// longest a projection goes unowned after its owner dies.
    public var takeoverInterval: Duration
    /// The longest wait between tries while the database fails.
    public var maximumBackoff: Duration
    /// How often a halted projection looks whether it was resumed.
    public var haltedRecheckInterval: Duration
    /// How long a projector waits for a connection from the pool before it
    /// asks again.
    public var leaseTimeout: Duration
    /// Who this process is in the status (host and process id by default).
    public var owner: String
    /// The owner role (MIGRATE_DATABASE_URL), with which a read model whose
    /// stored version differs from this binary's is rebuilt in the
    /// background, blue/green (`ReadModelUpgrade`). Nil: such a read model
    /// is not projected until `nps-collector replay` has rebuilt it.
    public var rebuildOwner: DatabaseURL?

    public static let defaultBatchSize = 10_000
    public static let batchSizeLimit = 100_000
    public static let defaultCatchUpBatchSize = 1_000_000
    public static let catchUpBatchSizeLimit = 10_000_000
    public static let defaultRebuildBatchSize = catchUpBatchSizeLimit

    public init(
        batchSize: Int = defaultBatchSize,
        catchUpBatchSize: Int = defaultCatchUpBatchSize,
        rebuildBatchSize: Int = defaultRebuildBatchSize,
        pollInterval: Duration = .seconds(1),
        heldRecheckInterval: Duration = .milliseconds(10),
        takeoverInterval: Duration = .seconds(2),
        maximumBackoff: Duration = .seconds(30),
        haltedRecheckInterval: Duration = .seconds(5),
        leaseTimeout: Duration = .seconds(5),
        owner: String = "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)",
        rebuildOwner: DatabaseURL? = nil
    ) {
        precondition((1...Self.batchSizeLimit).contains(batchSize), "batch size out of range")
        precondition((1...Self.catchUpBatchSizeLimit).contains(catchUpBatchSize), "catch-up batch size out of range")
        precondition((1...Self.catchUpBatchSizeLimit).contains(rebuildBatchSize), "rebuild batch size out of range")
        self.batchSize = batchSize
        self.catchUpBatchSize = max(batchSize, catchUpBatchSize)
        self.rebuildBatchSize = max(batchSize, rebuildBatchSize)
        self.pollInterval = pollInterval
        self.heldRecheckInterval = heldRecheckInterval
        self.takeoverInterval = takeoverInterval
        self.maximumBackoff = maximumBackoff
        self.haltedRecheckInterval = haltedRecheckInterval
        self.leaseTimeout = leaseTimeout
        self.owner = owner
        self.rebuildOwner = rebuildOwner
    }

    /// The settings of a rebuild's projectors: behind, they take up to the rebuild's batch.
    var rebuilding: ProjectorConfiguration {
        var configuration = self
        configuration.catchUpBatchSize = rebuildBatchSize
        return configuration
    }
}
