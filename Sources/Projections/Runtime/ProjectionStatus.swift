import EventStore
import Foundation
import Logging
import PostgresNIO

/// What `GET /api/v1/projections` and `nps-collector projections status` show of one projection.
public struct ProjectionStatus: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable {
        /// Keeping up with the log.
        case running
        /// Behind by more than it folds in a moment (see `catchingUpThreshold`).
        case catchingUp = "catching-up"
        /// Stopped at an event it cannot apply; `error` says which and why.
        case halted
    }

    /// The event a halted projection stopped at.
    public struct Halt: Sendable, Equatable, Codable {
        public var position: Int64
        public var eventId: UUID
        public var reason: String
        public var haltedAt: Date
    }

    public var name: String
    /// The read model it folds (shards of one read model share it).
    public var readModel: String
    public var version: Int
    public var checkpoint: Checkpoint
    public var eventsApplied: Int64
    public var lag: Lag
    public var state: State
    /// The process that holds the projection's lock now; nil when none does.
    public var owner: String?
    public var error: Halt?

    /// A projection with more unread events than this, or whose oldest unread
    /// event is older than `catchingUpAge` seconds, is catching up.
    public static let catchingUpThreshold: Int64 = 10_000
    public static let catchingUpAge: Double = 5
}

extension ProjectionStore {
    /// The status of every projection of `catalog`, those that never ran
    /// included (at the beginning of the log, with no owner).
    public func status(of catalog: [any Projection] = ProjectionCatalog.all) async throws -> [ProjectionStatus] {
        let names = catalog.map(\.name)
        let rows = try await client.query(
            """
            SELECT wanted.name, coalesce(p.version, 0), coalesce(p.transaction_id, '0')::text, coalesce(p.position, 0),
                   coalesce(p.events_applied, 0),
                   CASE WHEN \(unescaped: ProjectionOwnership.isHeldSQL(nameColumn: "wanted.name")) THEN p.owner END,
                   p.halted_position, p.halted_event_id, p.halted_error, p.halted_at,
                   lag.events, coalesce(extract(epoch FROM now() - lag.oldest_unread_at), 0)::float8
              FROM unnest(\(names)::text[]) WITH ORDINALITY AS wanted(name, ordinal)
              LEFT JOIN projections p ON p.name = wanted.name
             CROSS JOIN LATERAL event_log_lag(coalesce(p.transaction_id, '0'), coalesce(p.position, 0)) AS lag
             ORDER BY wanted.ordinal
            """,
            logger: logger
        )
        var statuses: [ProjectionStatus] = []
        for try await row in rows.decode(
            (
                String, Int32, String, Int64, Int64, String?, Int64?, UUID?, String?, Date?, Int64, Double
            ).self)
        {
            let projection = catalog.first { $0.name == row.0 }
            let lag = Lag(events: row.10, seconds: max(0, row.11))
            var halt: ProjectionStatus.Halt?
            if let position = row.6, let eventID = row.7, let reason = row.8, let haltedAt = row.9 {
                halt = .init(position: position, eventId: eventID, reason: reason, haltedAt: haltedAt)
            }
            let state: ProjectionStatus.State =
                if halt != nil {
                    .halted
                } else if lag.events > ProjectionStatus.catchingUpThreshold
                    || lag.seconds > ProjectionStatus.catchingUpAge
                {
                    .catchingUp
                } else {
                    .running
                }
            statuses.append(
                ProjectionStatus(
                    name: row.0,
                    readModel: projection?.readModel ?? row.0,
                    version: row.1 == 0 ? (projection?.version ?? 0) : Int(row.1),
                    checkpoint: Checkpoint(transactionID: UInt64(row.2) ?? 0, position: row.3),
                    eventsApplied: row.4,
                    lag: lag,
                    state: state,
                    owner: row.5,
                    error: halt
                )
            )
        }
        return statuses
    }
}
