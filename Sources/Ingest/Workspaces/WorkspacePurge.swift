import EventStore
import Foundation
import Logging
import NPSDomain
import PostgresNIO

/// Privacy erasure of one workspace: its events leave the log through
/// `purge_workspace` (`schema/functions/purge_workspace.sql`), the one audited
/// way anything is deleted from it, which also appends the `WorkspacePurged`
/// tombstone, forgets its vote keys, quarantined uploads and landing-page
/// contacts, and revokes its tokens, all in one transaction. The read models still hold the workspace
/// until they are replayed from the log (`ReadModelReplay`), which the purge
/// command does next.
///
/// The client must be the owner role: the function is granted to no other.
public struct WorkspacePurge: Sendable {
    public let owner: PostgresClient
    public let logger: Logger

    public init(owner: PostgresClient, logger: Logger) {
        self.owner = owner
        self.logger = logger
    }

    public struct Outcome: Sendable, Equatable {
        public var purgedEvents: Int
        public var tombstoneID: UUID
        public var tombstonePosition: Int64
    }

    /// Whether the log holds any event of the workspace that a purge would
    /// delete: an id with none is a typo or was purged already, and purging it
    /// would only leave an audit row and a tombstone for nothing.
    public func hasEvents(_ workspaceID: String) async throws -> Bool {
        try await owner.query(
            """
            SELECT EXISTS (
                SELECT 1 FROM event_log e
                 WHERE event_workspace_id(e.stream_id, e.payload) = \(workspaceID)
                   AND e.event_type <> 'WorkspacePurged')
            """,
            logger: logger
        ).collect().first?.decode(Bool.self) ?? false
    }

    /// `requestedBy` names the operator in the tombstone and the audit row.
    public func purge(_ workspaceID: String, requestedBy: String) async throws -> Outcome {
        // A campaign's landing source (landing:{campaignId}) is purged like a workspace, contacts included.
        guard LandingSource.isSource(workspaceID) else { throw InvalidWorkspaceID(workspaceID: workspaceID) }
        let tombstoneID = EventID.make()
        let metadata = try EventJSON.encode(EventMetadata(sender: requestedBy))
        let rows = try await owner.query(
            """
            SELECT purged_events, tombstone_position
              FROM purge_workspace(\(workspaceID), \(requestedBy), \(tombstoneID), \(metadata)::jsonb)
            """,
            logger: logger
        )
        for try await (purged, position) in rows.decode((Int64, Int64).self) {
            logger.notice(
                "workspace purged",
                metadata: ["workspace": "\(workspaceID)", "events": "\(purged)", "requestedBy": "\(requestedBy)"])
            return Outcome(purgedEvents: Int(purged), tombstoneID: tombstoneID, tombstonePosition: position)
        }
        throw PurgeWithoutTombstone(workspaceID: workspaceID)
    }
}

public struct PurgeWithoutTombstone: Error, CustomStringConvertible {
    public var workspaceID: String
    public var description: String { "purge_workspace appended no tombstone for \(workspaceID)" }
}
