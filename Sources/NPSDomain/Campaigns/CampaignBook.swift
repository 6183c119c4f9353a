import Foundation

/// Every campaign, folded from the one `campaigns` stream, and the rules for
/// announcing and closing them. Decisions are made against a book read at a
/// stream version and appended with that version expected, so two
/// announcements made at once cannot both pass the overlap check.
public struct CampaignBook: Sendable, Equatable {
    public static let streamID = "campaigns"

    public private(set) var campaigns: [String: Campaign] = [:]
    /// The stream version this book has folded (0: no campaign yet).
    public private(set) var version: Int64 = 0

    public init() {}

    public mutating func apply(_ event: NPSEvent, version: Int64, recordedAt: Date) {
        self.version = version
        switch event {
        case .campaignAnnounced(let announced):
            campaigns[announced.campaignID] = Campaign(
                id: announced.campaignID,
                startAt: announced.startAt,
                expireAt: announced.expireAt,
                roles: announced.roles,
                survey: announced.survey,
                announcedAt: recordedAt,
                closedAt: nil
            )
        case .campaignClosed(let closed):
            campaigns[closed.campaignID]?.closedAt = recordedAt
        case .landingPageConfigured(let configured):
            campaigns[configured.campaignID]?.landingPage = configured.landingPage
        default:
            break
        }
    }

    /// Open campaigns, earliest start first.
    public func open(at now: Date) -> [Campaign] {
        campaigns.values.filter { $0.isOpen(at: now) }.sorted { $0.startAt < $1.startAt }
    }

    public struct Announcement: Sendable {
        public var id: String
        public var startAt: Date
        public var expireAt: Date
        public var roles: [String]?
        public var question: String?
        /// Configured in the same append as the announcement when given.
        public var landingPage: LandingPage?

        public init(
            id: String, startAt: Date, expireAt: Date, roles: [String]? = nil, question: String? = nil,
            landingPage: LandingPage? = nil
        ) {
            self.landingPage = landingPage
            self.id = id
            self.startAt = startAt
            self.expireAt = expireAt
            self.roles = roles
            self.question = question
        }
    }

    public func announce(
        _ announcement: Announcement,
        now: Date,
        noticePeriod: TimeInterval,
        allowShortNotice: Bool
    ) throws(CampaignRuleViolation) -> CampaignAnnounced {
        // The rules judge the dates as they will be stored.
        var request = announcement
        request.startAt = EventJSON.roundedToMilliseconds(request.startAt)
        request.expireAt = EventJSON.roundedToMilliseconds(request.expireAt)
        guard request.startAt >= EventJSON.earliest, request.expireAt < EventJSON.latest else {
            throw .outOfRange
        }
        guard Identifiers.isValid(request.id) else { throw .invalidID(request.id) }
        guard campaigns[request.id] == nil else { throw .alreadyExists(request.id) }
        guard request.expireAt > request.startAt else {
            throw .expireNotAfterStart(startAt: request.startAt, expireAt: request.expireAt)
        }
        let earliestStart = now.addingTimeInterval(noticePeriod)
        if !allowShortNotice && request.startAt < earliestStart {
            throw .shortNotice(startAt: request.startAt, earliest: earliestStart, noticeDays: noticePeriod / 86_400)
        }
        if request.expireAt <= now { throw .alreadyExpired(request.expireAt) }
        if let other = open(at: now).first(where: { $0.overlaps(start: request.startAt, expire: request.expireAt) }) {
            throw .overlaps(other.id)
        }
        try Self.checkQuestion(request.question)
        let roles = request.roles ?? SurveyBanner.defaultRoles
        guard !roles.isEmpty else { throw .noRoles }
        for role in roles
        where role.isEmpty || role.unicodeScalars.count > Limits.roleLength || role.unicodeScalars.contains("\u{0}") {
            throw .invalidRole(role)
        }
        return CampaignAnnounced(
            campaignID: request.id,
            startAt: request.startAt,
            expireAt: request.expireAt,
            roles: roles,
            survey: SurveyBanner.make(campaignID: request.id, question: request.question)
        )
    }

    /// Turns the landing page of a campaign that is not closed on, off or changes it.
    public func configureLandingPage(
        _ id: String, _ page: LandingPage
    ) throws(CampaignRuleViolation) -> LandingPageConfigured {
        guard let campaign = campaigns[id] else { throw .unknown(id) }
        guard campaign.closedAt == nil else { throw .alreadyClosed(id) }
        return try Self.landingPageConfigured(id, page)
    }

    /// The event that gives campaign `id` this landing page (also at its announcement), the question checked.
    public static func landingPageConfigured(
        _ id: String, _ page: LandingPage
    ) throws(CampaignRuleViolation) -> LandingPageConfigured {
        try checkQuestion(page.question)
        return LandingPageConfigured(
            campaignID: id, enabled: page.enabled, question: page.question, askReason: page.askReason,
            askContact: page.askContact)
    }

    /// A banner's or landing page's question: 1 to `Limits.questionLength` characters, no U+0000.
    static func checkQuestion(_ question: String?) throws(CampaignRuleViolation) {
        guard let question else { return }
        guard !question.isEmpty, question.unicodeScalars.count <= Limits.questionLength,
            !question.unicodeScalars.contains("\u{0}")
        else { throw .invalidQuestion }
    }

    public func close(_ id: String) throws(CampaignRuleViolation) -> CampaignClosed {
        guard let campaign = campaigns[id] else { throw .unknown(id) }
        guard campaign.closedAt == nil else { throw .alreadyClosed(id) }
        return CampaignClosed(campaignID: id)
    }
}

public enum CampaignRuleViolation: Error, Equatable, CustomStringConvertible {
    case invalidID(String)
    case alreadyExists(String)
    case expireNotAfterStart(startAt: Date, expireAt: Date)
    case shortNotice(startAt: Date, earliest: Date, noticeDays: Double)
    case alreadyExpired(Date)
    case overlaps(String)
    case noRoles
    case invalidRole(String)
    case unknown(String)
    case alreadyClosed(String)
    case outOfRange
    case invalidQuestion

    public var description: String {
        switch self {
        case .invalidID:
            "a campaign id is 1 to \(Limits.idLength) letters, digits, '-', '_' or '.'"
        case .alreadyExists(let id):
            "campaign \(id) already exists"
        case .expireNotAfterStart(let start, let expire):
            "expireAt (\(EventJSON.formatTimestamp(expire))) must be after startAt (\(EventJSON.formatTimestamp(start)))"
        case .shortNotice(let start, let earliest, let days):
            "startAt (\(EventJSON.formatTimestamp(start))) is less than the notice period (\(Int(days)) days) away; "
                + "the earliest start is \(EventJSON.formatTimestamp(earliest)) (admins must be told in advance)"
        case .alreadyExpired(let expire):
            "expireAt (\(EventJSON.formatTimestamp(expire))) is in the past"
        case .overlaps(let other):
            "the dates overlap open campaign \(other)"
        case .noRoles:
            "roles must not be empty: Rocket.Chat shows a survey with no roles to nobody"
        case .invalidRole(let role):
            "invalid role \"\(role.prefix(80))\": roles are 1 to \(Limits.roleLength) characters"
        case .unknown(let id):
            "no campaign \(id)"
        case .alreadyClosed(let id):
            "campaign \(id) is already closed"
        case .outOfRange:
            "dates must be from 1970 to 9999"
        case .invalidQuestion:
            "the question is 1 to \(Limits.questionLength) characters"
        }
    }
}
