import Foundation

/// What a workspace says about itself that the read models use, as last
/// recorded. Appended only when the profile changes (see
/// `WorkspaceProfile.differsMaterially`), never per report: the log keeps
/// facts, not every daily statistics document.
public struct WorkspaceProfileChanged: EventPayload {
    public static let eventType = EventType.workspaceProfileChanged
    public static let schemaVersion = 1

    public var workspaceID: String
    /// False when the facts came in a statistics report without a token (an
    /// unregistered workspace; reports without a token never change a
    /// registered workspace's profile).
    public var verified: Bool
    /// The whole profile after the change, not a difference: a reader needs only the last event.
    public var profile: WorkspaceProfile

    public init(workspaceID: String, verified: Bool, profile: WorkspaceProfile) {
        self.workspaceID = workspaceID
        self.verified = verified
        self.profile = profile
    }
}
