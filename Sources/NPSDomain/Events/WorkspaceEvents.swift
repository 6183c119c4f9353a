import Foundation

public struct WorkspaceRegistered: EventPayload {
    public static let eventType = EventType.workspaceRegistered
    public static let schemaVersion = 1

    public var workspaceID: String

    public init(workspaceID: String) {
        self.workspaceID = workspaceID
    }
}

/// A workspace was handed a campaign for the first time and notified its admins.
public struct AdminNotified: EventPayload {
    public static let eventType = EventType.adminNotified
    public static let schemaVersion = 1

    public var workspaceID: String
    public var campaignID: String

    public init(workspaceID: String, campaignID: String) {
        self.workspaceID = workspaceID
        self.campaignID = campaignID
    }
}

/// A workspace fetched the survey: the only sign that its users saw the banner.
public struct SurveyShown: EventPayload {
    public static let eventType = EventType.surveyShown
    public static let schemaVersion = 1

    public var workspaceID: String
    public var campaignID: String

    public init(workspaceID: String, campaignID: String) {
        self.workspaceID = workspaceID
        self.campaignID = campaignID
    }
}

/// The workspace's `NPS_survey_enabled` setting, as first seen or as changed.
public struct SettingToggled: EventPayload {
    public static let eventType = EventType.settingToggled
    public static let schemaVersion = 1

    public enum Source: String, Codable, Sendable {
        case sync
        case statistics
    }

    public var workspaceID: String
    public var enabled: Bool
    public var source: Source

    public init(workspaceID: String, enabled: Bool, source: Source) {
        self.workspaceID = workspaceID
        self.enabled = enabled
        self.source = source
    }
}

/// A statistics document as the workspace sent it, unknown fields included.
public struct StatisticsReported: EventPayload {
    public static let eventType = EventType.statisticsReported
    public static let schemaVersion = 1

    public var workspaceID: String
    /// False when the document came without a workspace token.
    public var verified: Bool
    public var document: JSONValue

    public init(workspaceID: String, verified: Bool, document: JSONValue) {
        self.workspaceID = workspaceID
        self.verified = verified
        self.document = document
    }
}

/// The tombstone left by a privacy erasure.
public struct WorkspacePurged: EventPayload {
    public static let eventType = EventType.workspacePurged
    public static let schemaVersion = 1

    public var workspaceID: String
    public var purgedEvents: Int
    public var requestedBy: String

    public init(workspaceID: String, purgedEvents: Int, requestedBy: String) {
        self.workspaceID = workspaceID
        self.purgedEvents = purgedEvents
        self.requestedBy = requestedBy
    }
}
