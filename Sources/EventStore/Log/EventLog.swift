import Foundation
import Logging
import NPSDomain
import PostgresNIO

/// The append-only event log in PostgreSQL (`schema/0002_event_log.sql` and
/// the functions after it). Every method has a form that runs on a caller's
/// connection, so that an append can share a transaction with other writes.
public struct EventLog: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    /// The time events are recorded at (`recorded_at`) and every decision
    /// that depends on the date is taken at.
    public let clock: any CollectorClock

    /// The NOTIFY channel `append_events` signals after every append.
    public static let notificationChannel = "nps_event_log"

    public init(client: PostgresClient, logger: Logger, clock: any CollectorClock = SystemClock()) {
        self.client = client
        self.logger = logger
        self.clock = clock
    }

    /// Appends `events` to `stream` in one round trip. Event ids already in the
    /// log are reported as repeats; a stale `expectedVersion` throws
    /// `WrongExpectedVersion` and writes nothing.
    @discardableResult
    public func append(
        _ events: [NewEvent],
        to stream: String,
        expectedVersion: ExpectedVersion = .any
    ) async throws -> AppendResult {
        try await client.leased { connection in
            try await Self.append(
                events, to: stream, expectedVersion: expectedVersion, recordingTime: recordingTime,
                on: connection, logger: logger)
        }
    }

    /// On a simulated clock, makes the events the current transaction
    /// appends carry the simulated time as `recorded_at`
    /// (`schema/functions/event_recording_time.sql`); nothing on the system clock,
    /// where the database's `now()` is the time.
    public func stateRecordingTime(on connection: PostgresConnection) async throws {
        guard let now = recordingTime else { return }
        _ = try await connection.query(
            "SELECT set_config('nps.simulated_now', \(now), true)", logger: logger)
    }

    /// The value `stateRecordingTime` gives `nps.simulated_now`: nil on the system clock.
    public var recordingTime: String? {
        clock.simulated.map { EventJSON.formatTimestamp($0.now) }
    }

    /// Appends on the caller's connection (and transaction). With `recordingTime`
    /// (`EventLog.recordingTime`), the same statement states it first, for the
    /// events to carry it (as `stateRecordingTime` does, without a round trip of
    /// its own); without, a time the transaction stated earlier stays.
    @discardableResult
    public static func append(
        _ events: [NewEvent],
        to stream: String,
        expectedVersion: ExpectedVersion = .any,
        recordingTime: String? = nil,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> AppendResult {
        guard !events.isEmpty else { return AppendResult(outcomes: []) }
        // The call's first argument reads the setting's row, so it runs after set_config.
        let query: PostgresQuery = """
            SELECT appended.event_id, appended.log_position, appended.stream_version, appended.is_repeat
              FROM (SELECT set_config('nps.simulated_now',
                                      coalesce(\(recordingTime), current_setting('nps.simulated_now', true), ''),
                                      true) AS stated) AS recording_time,
                   LATERAL append_events(
                     CASE WHEN recording_time.stated IS NOT NULL THEN \(stream) END, \(expectedVersion.sqlValue),
                     \(events.map(\.id)), \(events.map(\.type)), \(events.map { Int16($0.schemaVersion) }),
                     \(events.map(\.payload))::jsonb[], \(events.map(\.metadata))::jsonb[]) AS appended
            """
        do {
            var outcomes: [AppendResult.Outcome] = []
            outcomes.reserveCapacity(events.count)
            let rows = try await connection.query(query, logger: logger)
            for try await (id, position, version, isRepeat) in rows.decode((UUID, Int64, Int64, Bool).self) {
                outcomes.append(.init(eventID: id, position: position, streamVersion: version, isRepeat: isRepeat))
            }
            return AppendResult(outcomes: outcomes)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "NP001" {
            let actual = error.serverInfo?[.detail].flatMap { Int64($0) } ?? -1
            throw WrongExpectedVersion(streamID: stream, expected: expectedVersion, actual: actual)
        }
    }

    /// Takes the stream's append lock (advisory class 2, `hashtext(stream)`, as
    /// `append_events` and `record_votes` take it) until the transaction ends.
    /// Taken before the transaction's first write, it orders the transaction's
    /// id after every earlier writer of the stream.
    public static func lockStream(_ stream: String, on connection: PostgresConnection, logger: Logger) async throws {
        _ = try await connection.query("SELECT pg_advisory_xact_lock(2, hashtext(\(stream)))", logger: logger)
    }

    /// Up to `limit` committed events after `checkpoint`, in the gap-safe order
    /// (see `schema/functions/read_events.sql`: events of a transaction still open are
    /// never jumped over; the read waits for them instead).
    public func read(after checkpoint: Checkpoint, limit: Int) async throws -> ReadBatch {
        try await client.leased { connection in
            try await Self.read(after: checkpoint, limit: limit, on: connection, logger: logger)
        }
    }

    public static func read(
        after checkpoint: Checkpoint,
        limit: Int,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> ReadBatch {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: RecordedEvent.columns)
              FROM read_events(\(String(checkpoint.transactionID))::xid8, \(checkpoint.position), \(Int32(clamping: limit)))
            """,
            logger: logger
        )
        let events = try await RecordedEvent.collect(rows)
        return ReadBatch(events: events, checkpoint: events.last?.checkpoint ?? checkpoint)
    }

    /// How far a reader at `checkpoint` is behind the committed head.
    public func lag(after checkpoint: Checkpoint) async throws -> Lag {
        let rows = try await client.leasedQuery(
            """
            SELECT events, coalesce(extract(epoch FROM now() - oldest_unread_at), 0)::float8
              FROM event_log_lag(\(String(checkpoint.transactionID))::xid8, \(checkpoint.position))
            """,
            logger: logger
        )
        for row in rows {
            let (events, seconds) = try row.decode((Int64, Double).self)
            return Lag(events: events, seconds: max(0, seconds))
        }
        return Lag(events: 0, seconds: 0)
    }

    /// The stream's events in version order (for deciding against current state).
    public func readStream(_ stream: String) async throws -> [RecordedEvent] {
        try await client.leased { [logger] connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: RecordedEvent.columns)
                  FROM event_log WHERE stream_id = \(stream) ORDER BY stream_version
                """,
                logger: logger
            )
            return try await RecordedEvent.collect(rows)
        }
    }
}

extension EventLog {
    /// Whether an event with this id is in the log (for facts with name-based ids).
    public func contains(_ eventID: UUID) async throws -> Bool {
        try await client.leasedQuery("SELECT 1 FROM event_log WHERE event_id = \(eventID)", logger: logger).isEmpty
            == false
    }

    /// What a request decides on, in one round trip: the last event of each of
    /// `streams` (by stream) and those of `eventIDs` that are in the log (by id).
    public func lookUp(
        lastOf streams: [String], eventIDs: [UUID] = []
    ) async throws -> (last: [String: RecordedEvent], found: [UUID: RecordedEvent]) {
        let rows = try await client.leasedQuery(
            """
            SELECT \(unescaped: RecordedEvent.columns), true
              FROM unnest(\(streams)::text[]) AS wanted(stream),
                   LATERAL (SELECT e.* FROM stream_heads h JOIN event_log e ON e.position = h.last_position
                             WHERE h.stream_id = wanted.stream) AS last
            UNION ALL
            SELECT \(unescaped: RecordedEvent.columns), false
              FROM event_log WHERE event_id = ANY(\(eventIDs)::uuid[])
            """,
            logger: logger
        )
        var last: [String: RecordedEvent] = [:]
        var found: [UUID: RecordedEvent] = [:]
        for row in rows {
            let row = try row.decode(
                (Int64, String, UUID, String, Int64, String, Int16, String, String, Date, Bool).self)
            let event = RecordedEvent(columns: (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9))
            if row.10 { last[event.streamID] = event } else { found[event.id] = event }
        }
        return (last, found)
    }

    /// The last event of a stream: a probe of its head (`stream_heads`) and one of the log's key.
    public func lastEvent(of stream: String) async throws -> RecordedEvent? {
        try await lookUp(lastOf: [stream]).last[stream]
    }
}
