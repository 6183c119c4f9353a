import Foundation

/// A moment of simulated time at which the fleet does one thing: the
/// collector's clock is moved there, then every workspace concerned sends
/// its requests.
public struct Phase: Sendable {
    public enum Step: String, Sendable {
        /// Workspaces are registered (admin API) and send their first statistics.
        case register
        /// The cloud announces the campaign (admin API).
        case announce
        /// A day later every workspace syncs: admins of those with NPS on are notified.
        case notify
        /// A week later some admins turn NPS off.
        case optOutBeforeStart = "opt-out-before-start"
        /// On the start day workspaces fetch the survey and show the banner.
        case show
        /// Three days in, some admins turn NPS off.
        case optOutDuring = "opt-out-during"
        /// An hour after expiry the daily cron uploads the votes in batches of 1000.
        case upload
        /// A day later changed votes are sent again, and statistics.
        case resend
    }

    public var step: Step
    /// Nil for `register`.
    public var campaign: Int?
    public var at: Date

    public var name: String {
        campaign.map { "campaign \($0 + 1) \(step.rawValue)" } ?? step.rawValue
    }

    /// Every phase of a simulation, in time order.
    public static func all(_ settings: SimulationSettings) -> [Phase] {
        let day: TimeInterval = 86_400
        var phases = [Phase(step: .register, campaign: nil, at: settings.start)]
        for campaign in 0..<settings.campaigns {
            let announced = settings.announcedAt(campaign)
            let start = settings.startAt(campaign)
            let expire = settings.expireAt(campaign)
            phases += [
                Phase(step: .announce, campaign: campaign, at: announced.addingTimeInterval(3_600)),
                Phase(step: .notify, campaign: campaign, at: announced.addingTimeInterval(day)),
                Phase(step: .optOutBeforeStart, campaign: campaign, at: announced.addingTimeInterval(7 * day)),
                Phase(step: .show, campaign: campaign, at: start.addingTimeInterval(2 * 3_600)),
                Phase(step: .optOutDuring, campaign: campaign, at: start.addingTimeInterval(3 * day)),
                Phase(step: .upload, campaign: campaign, at: expire.addingTimeInterval(3_600)),
                Phase(step: .resend, campaign: campaign, at: expire.addingTimeInterval(day + 3_600)),
            ]
        }
        return phases
    }
}
