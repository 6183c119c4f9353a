import Foundation

/// A campaign as the `campaigns` stream tells it.
public struct Campaign: Sendable, Equatable {
    public enum State: String, Sendable, Codable {
        /// Announced; the survey starts later.
        case scheduled
        /// Between `startAt` and `expireAt`: workspaces show the banner.
        case running
        /// After `expireAt`: workspaces send their results.
        case expired
        case closed
    }

    public var id: String
    public var startAt: Date
    public var expireAt: Date
    public var roles: [String]
    public var survey: JSONValue
    public var announcedAt: Date
    public var closedAt: Date?
    /// Its public landing page; nil until one is configured (off).
    public var landingPage: LandingPage?

    public init(
        id: String, startAt: Date, expireAt: Date, roles: [String], survey: JSONValue, announcedAt: Date,
        closedAt: Date? = nil, landingPage: LandingPage? = nil
    ) {
        self.landingPage = landingPage
        self.id = id
        self.startAt = startAt
        self.expireAt = expireAt
        self.roles = roles
        self.survey = survey
        self.announcedAt = announcedAt
        self.closedAt = closedAt
    }

    public func state(at now: Date) -> State {
        if closedAt != nil { return .closed }
        if now < startAt { return .scheduled }
        if now < expireAt { return .running }
        return .expired
    }

    /// Not closed and not expired: may still be handed to workspaces, and blocks overlapping announcements.
    public func isOpen(at now: Date) -> Bool {
        closedAt == nil && now < expireAt
    }

    func overlaps(start: Date, expire: Date) -> Bool {
        start < expireAt && startAt < expire
    }
}
