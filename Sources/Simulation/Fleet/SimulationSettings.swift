import Foundation

/// What a simulation is made of. The same settings give the same traffic,
/// byte for byte.
public struct SimulationSettings: Sendable {
    public var workspaces: Int
    public var campaigns: Int
    public var seed: UInt64
    /// The NPS the fleet's workspaces vary around, −100 to 100.
    public var nps: Double
    /// Simulated time of the first request; campaign k is announced
    /// `campaignSpacing × k` later.
    public var start: Date

    /// Campaigns six months apart, as the programme runs them.
    public static let campaignSpacing: TimeInterval = 182 * 86_400
    /// Announced four weeks before the start (the collector asks for at least three).
    public static let notice: TimeInterval = 28 * 86_400
    /// Open for two weeks.
    public static let duration: TimeInterval = 14 * 86_400
    /// The most votes one results upload carries, as Rocket.Chat sends them.
    public static let batchSize = 1_000

    public init(workspaces: Int, campaigns: Int, seed: UInt64, nps: Double = 30, start: Date) {
        self.workspaces = workspaces
        self.campaigns = campaigns
        self.seed = seed
        self.nps = nps
        self.start = start
    }

    /// A simulation's default start: whole days, after whatever the
    /// collector's clock has already seen.
    public static func nextMidnight(after date: Date) -> Date {
        let day: TimeInterval = 86_400
        return Date(timeIntervalSince1970: (date.timeIntervalSince1970 / day).rounded(.down) * day + day)
    }

    /// The campaign ids: the seed in them, so that two simulations against
    /// one collector do not collide unless they are the same simulation.
    public func campaignID(_ index: Int) -> String {
        "sim-\(seed)-\(index + 1)"
    }

    func announcedAt(_ campaign: Int) -> Date {
        start.addingTimeInterval(Self.campaignSpacing * Double(campaign))
    }

    func startAt(_ campaign: Int) -> Date {
        announcedAt(campaign).addingTimeInterval(Self.notice)
    }

    func expireAt(_ campaign: Int) -> Date {
        startAt(campaign).addingTimeInterval(Self.duration)
    }
}
