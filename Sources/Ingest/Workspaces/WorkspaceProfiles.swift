import EventStore
import Foundation
import NPSDomain

/// Records what a workspace says about itself (`WorkspaceProfile`) in its
/// `profile/{id}` stream, only when it changes: a workspace that reports the
/// same facts every day adds nothing to the log.
public struct WorkspaceProfiles: Sendable {
    public let log: EventLog

    public init(log: EventLog) { self.log = log }

    /// Appends `WorkspaceProfileChanged` when `facts` change the recorded
    /// profile (facts a body does not state keep their recorded value);
    /// `last` is the profile stream's last event as the caller read it.
    func record(
        _ facts: WorkspaceProfile, workspaceID: String, verified: Bool, metadata: EventMetadata,
        after last: RecordedEvent?
    ) async throws {
        try await log.appendAfter(last, of: Streams.profile(workspaceID)) { last in
            var recorded = WorkspaceProfile()
            if let last, case .workspaceProfileChanged(let changed) = try last.decoded() { recorded = changed.profile }
            let updated = recorded.updated(with: facts)
            guard updated != recorded else { return nil }
            return try NewEvent(
                WorkspaceProfileChanged(workspaceID: workspaceID, verified: verified, profile: updated),
                metadata: metadata)
        }
    }
}
