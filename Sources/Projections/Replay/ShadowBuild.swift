import EventStore
import Logging
import PostgresNIO

/// Folds the projections of a shadow schema from the log with the live
/// projector's code (`Projector.step`), the shards of a read model in
/// parallel, each on a connection of its own whose `search_path` starts
/// with the shadow schema. Every batch commits with its checkpoint, so an
/// interrupted build resumes where it stopped.
struct ShadowBuild: Sendable {
    let shadow: ShadowSchema
    /// Connections to the shadow: `search_path` set at connect (`ShadowSchema.searchPath`).
    let client: PostgresClient
    let configuration: ProjectorConfiguration
    let logger: Logger

    /// Folds until each projection has read every committed event, or, with
    /// `stayingBehindLive`, until it reached the live projection's
    /// checkpoint, read again before every batch: a rebuild to be compared
    /// with the live tables must not pass them. Reports each batch's events.
    func run(stayingBehindLive: Bool, progress: @escaping @Sendable (Int) -> Void) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            for projection in shadow.projections {
                group.addTask {
                    try await fold(projection, stayingBehindLive: stayingBehindLive, progress: progress)
                }
            }
        }
    }

    private func fold(
        _ projection: any Projection, stayingBehindLive: Bool, progress: @Sendable (Int) -> Void
    ) async throws {
        let projector = Projector(projection: projection, client: client, configuration: configuration, logger: logger)
        try await client.withConnection { connection in
            var sizing = BatchSizing(configuration)
            while !Task.isCancelled {
                var end: Checkpoint?
                if stayingBehindLive { end = try await liveCheckpoint(of: projection.name, on: connection) }
                let step = try await projector.step(on: connection, upTo: end, limit: sizing.limit)
                sizing.observe(step)
                switch step {
                case .applied(let events): progress(events)
                case .overtaken: continue
                case .caughtUp, .held: return
                case .halted: throw ReplayHalted(readModel: shadow.readModel, projection: projection.name)
                }
            }
            try Task.checkCancellation()
        }
    }

    /// Folds every projection of the shadow up to the head (or the live
    /// checkpoint) in the caller's transaction on `connection`, a shadow
    /// connection: the last events before a swap or a comparison. Returns
    /// the number of events folded.
    func foldRemaining(stayingBehindLive: Bool, on connection: PostgresConnection) async throws -> Int {
        var folded = 0
        for projection in shadow.projections {
            let projector = Projector(
                projection: projection, client: client, configuration: configuration, logger: logger)
            var end: Checkpoint?
            if stayingBehindLive { end = try await liveCheckpoint(of: projection.name, on: connection) }
            var sizing = BatchSizing(configuration)
            while true {
                let state = try await ProjectionStore.state(of: projection.name, on: connection, logger: logger)
                guard !state.isHalted else {
                    throw ReplayHalted(readModel: shadow.readModel, projection: projection.name)
                }
                let step = try await projector.foldNextBatch(
                    after: state.checkpoint, upTo: end, limit: sizing.limit, on: connection)
                sizing.observe(step)
                guard case .applied(let events) = step else { break }
                folded += events
            }
        }
        return folded
    }

    private func liveCheckpoint(of name: String, on connection: PostgresConnection) async throws -> Checkpoint {
        let rows = try await connection.query(
            "SELECT transaction_id::text, position FROM public.projections WHERE name = \(name)", logger: logger)
        for try await (transactionID, position) in rows.decode((String, Int64).self) {
            return Checkpoint(transactionID: UInt64(transactionID) ?? 0, position: position)
        }
        return .beginning
    }
}

public struct ReplayHalted: Error, CustomStringConvertible {
    public var readModel: String
    public var projection: String
    public var description: String {
        "the rebuild of \(projection) halted at an event it cannot apply (see the halted_* columns of "
            + "\(ShadowSchema(readModel: readModel).name).projections); the live tables are untouched. "
            + "Fix the cause, then run `replay --clean` and replay again."
    }
}
