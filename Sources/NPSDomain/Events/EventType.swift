/// The kinds of fact the log holds, spelled exactly as stored in `event_type`.
public enum EventType: String, Sendable, CaseIterable, Codable {
    case campaignAnnounced = "CampaignAnnounced"
    case campaignClosed = "CampaignClosed"
    case landingPageConfigured = "LandingPageConfigured"
    case adminNotified = "AdminNotified"
    case surveyShown = "SurveyShown"
    case voteCast = "VoteCast"
    case resultsReceived = "ResultsReceived"
    case settingToggled = "SettingToggled"
    case statisticsReported = "StatisticsReported"
    case workspaceProfileChanged = "WorkspaceProfileChanged"
    case workspaceRegistered = "WorkspaceRegistered"
    case workspacePurged = "WorkspacePurged"
}

/// A payload of one event type at its current schema version.
public protocol EventPayload: Codable, Sendable, Equatable {
    static var eventType: EventType { get }
    /// Raised whenever the payload's shape changes; older versions in the log
    /// are upcast on read (see `PayloadUpcaster`).
    static var schemaVersion: Int { get }
}
