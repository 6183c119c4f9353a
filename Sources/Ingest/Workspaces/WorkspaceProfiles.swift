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
    /// profile (facts a body does not state keep their recorded value).
    public func record(
        _ facts: WorkspaceProfile, workspaceID: String, verified: Bool, metadata: EventMetadata
    ) async throws {
        let stream = Streams.profile(workspaceID)
        for attempt in 1...5 {
            let last = try await log.lastEvent(of: stream)
            var recorded: WorkspaceProfile?
            if let last, case .workspaceProfileChanged(let changed) = try last.decoded() { recorded = changed.profile }
            let updated = (recorded ?? WorkspaceProfile()).updated(with: facts)
            if updated == (recorded ?? WorkspaceProfile()) { return }
            let event = try NewEvent(
                WorkspaceProfileChanged(workspaceID: workspaceID, verified: verified, profile: updated),
                metadata: metadata)
            do {
                try await log.append(
                    [event], to: stream, expectedVersion: last.map { .exactly($0.streamVersion) } ?? .noStream)
                return
            } catch is WrongExpectedVersion where attempt < 5 {
                continue
            }
        }
    }

    /// The profile as last recorded; nil if the workspace never described itself.
    public func current(_ workspaceID: String) async throws -> WorkspaceProfile? {
        guard let last = try await log.lastEvent(of: Streams.profile(workspaceID)),
            case .workspaceProfileChanged(let changed) = try last.decoded()
        else { return nil }
        return changed.profile
    }
}
