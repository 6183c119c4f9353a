import Foundation

/// The cloud announced a campaign (Rocket.Chat's `npsId`) to the fleet.
public struct CampaignAnnounced: EventPayload {
    public static let eventType = EventType.campaignAnnounced
    public static let schemaVersion = 1

    public var campaignID: String
    public var startAt: Date
    public var expireAt: Date
    /// Roles the banner is shown to; empty means everyone.
    public var roles: [String]
    /// The UiKit banner view the survey fetch returns, kept as given.
    public var survey: JSONValue

    public init(campaignID: String, startAt: Date, expireAt: Date, roles: [String], survey: JSONValue) {
        self.campaignID = campaignID
        self.startAt = startAt
        self.expireAt = expireAt
        self.roles = roles
        self.survey = survey
    }
}

public struct CampaignClosed: EventPayload {
    public static let eventType = EventType.campaignClosed
    public static let schemaVersion = 1

    public var campaignID: String

    public init(campaignID: String) {
        self.campaignID = campaignID
    }
}
