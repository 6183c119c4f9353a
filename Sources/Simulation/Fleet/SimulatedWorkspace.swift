import Foundation
import NPSDomain

/// One Rocket.Chat server of the fleet: its size, version, voters' moods and
/// what its admins do with the NPS setting, all drawn from the seed.
public struct SimulatedWorkspace: Sendable {
    public let index: Int
    /// Rocket.Chat's `uniqueId`.
    public let id: String
    public let release: RocketChatRelease
    public let activeUsers: Int
    public let totalUsers: Int
    /// What its admins told the setup wizard, and its edition: drawn from a
    /// generator of their own, so the rest of the fleet is what it was
    /// before workspaces had them.
    public let industry: String
    public let country: String
    public let language: String
    public let isEnterprise: Bool
    /// The NPS its voters lean to, around the fleet's.
    let nps: Double
    /// Share of passives (7–8) among its voters.
    let passiveShare: Double
    /// Share of active users who answer a survey.
    let responseRate: Double
    /// What the admins do with the setting, campaign by campaign.
    public let settings: [CampaignSetting]

    /// The NPS setting around one campaign.
    public struct CampaignSetting: Sendable {
        /// On when the campaign is announced (a workspace that turned it off
        /// may turn it on again before a later campaign).
        public var enabledAtAnnouncement: Bool
        /// Turned off after the admins were notified, before the start.
        public var optsOutBeforeStart: Bool
        /// Turned off while the campaign runs: the survey was shown, no results are sent.
        public var optsOutDuring: Bool

        var showsSurvey: Bool { enabledAtAnnouncement && !optsOutBeforeStart }
        var sendsResults: Bool { showsSurvey && !optsOutDuring }
    }

    static let industries: [(String, Double)] = [
        ("technology", 0.35), ("education", 0.25), ("government", 0.15), ("healthcare", 0.15), ("finance", 0.10),
    ]
    static let countries: [((country: String, language: String), Double)] = [
        (("brazil", "pt"), 0.30), (("united states", "en"), 0.25), (("germany", "de"), 0.20),
        (("india", "en"), 0.15), (("france", "fr"), 0.10),
    ]
    static let enterpriseShare = 0.15

    /// How a release's voters lean against the fleet's NPS, in points: the
    /// older the server, the unhappier its users, so segments by version
    /// have something to find.
    static func versionLean(major: Int) -> Double {
        switch major {
        case ...3: -25
        case 4: -15
        case 5: -8
        case 6: 0
        case 7: 6
        default: 10
        }
    }

    /// Its value of each segment dimension `--check` compares, as the
    /// collector derives it from what the workspace reports (docs/segments.md).
    public var segments: [String: String] {
        [
            "version": release.version.split(separator: ".").prefix(2).joined(separator: "."),
            "edition": isEnterprise ? "enterprise" : "community",
            "size": Self.sizeBand(activeUsers: activeUsers),
            "industry": industry,
            "country": country,
        ]
    }

    static func sizeBand(activeUsers: Int) -> String {
        switch activeUsers {
        case ...10: "1-10"
        case ...50: "11-50"
        case ...250: "51-250"
        case ...1_000: "251-1000"
        case ...5_000: "1001-5000"
        default: "5001+"
        }
    }

    static let optOutBeforeStart = 0.04
    static let optOutDuring = 0.03
    static let turnsBackOn = 0.5

    /// The whole fleet, each workspace from its own generator.
    public static func fleet(_ settings: SimulationSettings) -> [SimulatedWorkspace] {
        (0..<settings.workspaces).map { SimulatedWorkspace(index: $0, settings: settings) }
    }

    init(index: Int, settings: SimulationSettings) {
        var random = SplitMix64(seed: settings.seed, 1, UInt64(index))
        self.index = index
        let hex = random.hex(bytes: 16)
        func part(_ from: Int, _ to: Int) -> Substring {
            hex[hex.index(hex.startIndex, offsetBy: from)..<hex.index(hex.startIndex, offsetBy: to)]
        }
        id = "\(part(0, 8))-\(part(8, 12))-4\(part(13, 16))-a\(part(17, 20))-\(part(20, 32))"
        release = random.pick(RocketChatRelease.fleet)
        // Most workspaces are small teams; a few have tens of thousands of users.
        activeUsers = Int(random.pareto(minimum: 30, alpha: 1.1, maximum: 50_000))
        totalUsers = activeUsers + Int(Double(activeUsers) * random.uniform(0.1, 1.5))
        nps = max(-90, min(90, settings.nps + Self.versionLean(major: release.major) + 20 * random.normal()))
        passiveShare = random.uniform(0.15, 0.35)
        responseRate = random.uniform(0.15, 0.45)
        var enabled = true
        var plan: [CampaignSetting] = []
        for _ in 0..<settings.campaigns {
            if !enabled, random.chance(Self.turnsBackOn) { enabled = true }
            var setting = CampaignSetting(
                enabledAtAnnouncement: enabled, optsOutBeforeStart: false, optsOutDuring: false)
            if enabled {
                setting.optsOutBeforeStart = random.chance(Self.optOutBeforeStart)
                setting.optsOutDuring = !setting.optsOutBeforeStart && random.chance(Self.optOutDuring)
                enabled = !(setting.optsOutBeforeStart || setting.optsOutDuring)
            }
            plan.append(setting)
        }
        self.settings = plan
        var profile = SplitMix64(seed: settings.seed, 4, UInt64(index))
        industry = profile.pick(Self.industries)
        (country, language) = profile.pick(Self.countries)
        isEnterprise = profile.chance(Self.enterpriseShare)
    }
}
