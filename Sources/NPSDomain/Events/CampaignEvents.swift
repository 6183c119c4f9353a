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

/// The campaign's landing page (`/s/{campaignId}`) was turned on, off or
/// changed. The last one of a campaign holds; without one the page is off.
public struct LandingPageConfigured: EventPayload {
    public static let eventType = EventType.landingPageConfigured
    public static let schemaVersion = 1

    public var campaignID: String
    public var enabled: Bool
    /// The question the page asks instead of the default one.
    public var question: String?
    /// Adds the optional "What is the main reason for your score?" field.
    public var askReason: Bool
    /// Adds the optional first name, last name and email, with a consent box.
    public var askContact: Bool

    public init(campaignID: String, enabled: Bool, question: String?, askReason: Bool, askContact: Bool) {
        self.campaignID = campaignID
        self.enabled = enabled
        self.question = question
        self.askReason = askReason
        self.askContact = askContact
    }

    public var landingPage: LandingPage {
        LandingPage(enabled: enabled, question: question, askReason: askReason, askContact: askContact)
    }
}
