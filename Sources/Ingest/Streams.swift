import NPSDomain

/// Stream names. Ids cannot contain "/" (see `Identifiers`), so names never collide.
enum Streams {
    static let campaigns = CampaignBook.streamID
    /// Registration, admin notices, survey fetches, the purge tombstone.
    static func workspace(_ workspaceID: String) -> String { "workspace/\(workspaceID)" }
    /// The NPS setting alone, so that its last value is one index probe away.
    static func npsSetting(_ workspaceID: String) -> String { "nps-setting/\(workspaceID)" }
    /// A workspace's votes for a campaign and its results uploads.
    /// (`VoteCast` reads both ids back from it: its payload leaves them out since version 3.)
    static func votes(campaignID: String, workspaceID: String) -> String {
        VoteCast.streamID(campaignID: campaignID, workspaceID: workspaceID)
    }
    static func statistics(_ workspaceID: String) -> String { "statistics/\(workspaceID)" }
    /// What the workspace says about itself (`WorkspaceProfileChanged`), appended only when it changes.
    static func profile(_ workspaceID: String) -> String { "profile/\(workspaceID)" }
}
