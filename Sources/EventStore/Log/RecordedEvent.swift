import Foundation
import NPSDomain
import PostgresNIO

/// An event as the log holds it.
public struct RecordedEvent: Sendable, Equatable {
    public var position: Int64
    public var transactionID: UInt64
    public var id: UUID
    public var streamID: String
    public var streamVersion: Int64
    public var type: String
    public var schemaVersion: Int
    public var payload: String
    public var metadata: String
    public var recordedAt: Date

    /// Where a reader resumes after this event.
    public var checkpoint: Checkpoint {
        Checkpoint(transactionID: transactionID, position: position)
    }

    /// The payload decoded and upcast to its current version.
    public func decoded(with decoder: EventDecoder = EventDecoder()) throws -> NPSEvent {
        try decoder.decode(type: type, schemaVersion: schemaVersion, payload: payload, streamID: streamID)
    }
}

/// A place in the gap-safe read order: the writing transaction, then the position.
public struct Checkpoint: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var transactionID: UInt64
    public var position: Int64

    public static let beginning = Checkpoint(transactionID: 0, position: 0)

    public init(transactionID: UInt64, position: Int64) {
        self.transactionID = transactionID
        self.position = position
    }

    public static func < (lhs: Checkpoint, rhs: Checkpoint) -> Bool {
        (lhs.transactionID, lhs.position) < (rhs.transactionID, rhs.position)
    }

    public var description: String { "\(transactionID)/\(position)" }

    enum CodingKeys: String, CodingKey {
        case transactionID = "transactionId"
        case position
    }
}

/// One read: the events in order and the checkpoint after the last of them.
public struct ReadBatch: Sendable {
    public var events: [RecordedEvent]
    public var checkpoint: Checkpoint

    public init(events: [RecordedEvent], checkpoint: Checkpoint) {
        self.events = events
        self.checkpoint = checkpoint
    }
}

/// How far a reader is behind the committed head of the log.
public struct Lag: Sendable, Equatable, Codable {
    public var events: Int64
    /// Age of the oldest event not read yet; 0 when caught up.
    public var seconds: Double

    public init(events: Int64, seconds: Double) {
        self.events = events
        self.seconds = seconds
    }
}

extension RecordedEvent {
    /// The select list that `collect` decodes, for any query over `event_log` rows.
    static let columns = """
        position, transaction_id::text, event_id, stream_id, stream_version,
        event_type, schema_version, payload, metadata, recorded_at
        """

    /// A row of `columns`, as decoded.
    typealias Columns = (Int64, String, UUID, String, Int64, String, Int16, String, String, Date)

    init(columns row: Columns) {
        self.init(
            position: row.0,
            transactionID: UInt64(row.1) ?? 0,
            id: row.2,
            streamID: row.3,
            streamVersion: row.4,
            type: row.5,
            schemaVersion: Int(row.6),
            payload: row.7,
            metadata: row.8,
            recordedAt: row.9
        )
    }

    static func collect(_ rows: PostgresRowSequence) async throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        for try await row in rows.decode(Columns.self) {
            events.append(RecordedEvent(columns: row))
        }
        return events
    }
}
