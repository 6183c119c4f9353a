import Foundation
import NPSDomain

/// Where an event came from; stored as the row's metadata. Never holds PII or secrets.
public struct EventMetadata: Codable, Sendable, Equatable {
    /// Who sent it: a workspace id, `cli`, `admin-api`, ...
    public var sender: String?
    public var requestID: String?
    /// The sender's software version (a Rocket.Chat version, or this collector's).
    public var sourceVersion: String?

    public init(sender: String? = nil, requestID: String? = nil, sourceVersion: String? = nil) {
        self.sender = sender
        self.requestID = requestID
        self.sourceVersion = sourceVersion
    }
}

/// An event about to be appended.
public struct NewEvent: Sendable, Equatable {
    public var id: UUID
    public var type: String
    public var schemaVersion: Int
    /// The payload as JSON text.
    public var payload: String
    public var metadata: String

    public init(id: UUID = EventID.make(), type: String, schemaVersion: Int, payload: String, metadata: String = "{}") {
        self.id = id
        self.type = type
        self.schemaVersion = schemaVersion
        self.payload = payload
        self.metadata = metadata
    }

    public init<Payload: EventPayload>(
        _ payload: Payload,
        id: UUID = EventID.make(),
        metadata: EventMetadata = EventMetadata()
    ) throws {
        self.init(
            id: id,
            type: Payload.eventType.rawValue,
            schemaVersion: Payload.schemaVersion,
            payload: try EventJSON.encode(payload),
            metadata: try EventJSON.encode(metadata)
        )
    }
}
