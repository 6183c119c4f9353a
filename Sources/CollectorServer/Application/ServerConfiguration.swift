import EventStore
import Foundation
import Ingest
import NPSDomain
import Projections

/// Settings of the HTTP server. Every one has an environment variable and a
/// flag of `nps-collector serve` (see README, "Configuration").
public struct ServerConfiguration: Sendable {
    /// NPS_HOST: loopback unless told otherwise.
    public var host: String
    /// NPS_PORT
    public var port: Int
    /// NPS_NOTICE_DAYS: how long before its start a campaign must be announced.
    public var noticePeriod: TimeInterval
    /// NPS_PROJECTORS=off: nil runs no projectors in this process (run
    /// `nps-collector project` elsewhere instead).
    public var projectors: ProjectorConfiguration?
    /// NPS_PRIVACY_K: the smallest group whose scores and comments the query API and dashboard show.
    public var privacy: PrivacyThreshold
    /// NPS_PRIVACY_RELEASE: when a campaign's figures are published (every vote, or once closed).
    public var publication: PublicationPolicy
    /// NPS_SIMULATED_CLOCK=on: a `SimulatedClock` that `POST /api/v1/clock` moves.
    public var clock: any CollectorClock
    /// NPS_LANDING_RATE, NPS_TRUSTED_PROXIES: the landing pages' rate limit.
    public var landing: LandingSettings
    /// NPS_STATISTICS_RETENTION_DAYS: how long raw statistics documents are kept (outside the log).
    public var statisticsRetention: TimeInterval
    /// NPS_METRICS_TOKEN: the bearer token `/metrics` requires; nil serves it to anyone.
    public var metricsToken: String?
    /// NPS_DB_CONNECTION_WAIT: how long a request waits for a pooled database connection before its 503.
    public var connectionWait: Duration

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        noticePeriod: TimeInterval = 21 * 86_400,
        projectors: ProjectorConfiguration? = ProjectorConfiguration(),
        privacy: PrivacyThreshold = PrivacyThreshold(),
        publication: PublicationPolicy = .live,
        clock: any CollectorClock = SystemClock(),
        landing: LandingSettings = LandingSettings(),
        statisticsRetention: TimeInterval = TimeInterval(StatisticsDocuments.defaultRetentionDays * 86_400),
        metricsToken: String? = nil,
        connectionWait: Duration = ConnectionWait.defaultLimit
    ) {
        self.metricsToken = metricsToken
        self.connectionWait = connectionWait
        self.landing = landing
        self.statisticsRetention = statisticsRetention
        self.privacy = privacy
        self.publication = publication
        self.clock = clock
        self.host = host
        self.port = port
        self.noticePeriod = noticePeriod
        self.projectors = projectors
    }
}

/// The landing pages' abuse limits (`/s/{campaignId}`).
public struct LandingSettings: Sendable {
    public static let defaultPostsPerMinute = 10
    /// NPS_LANDING_RATE: answers (POSTs) per minute per client, 1-10,000; bursts up to the same number.
    public var postsPerMinute: Int
    /// NPS_TRUSTED_PROXIES: peer addresses or networks whose `X-Forwarded-For` names the client (a
    /// reverse proxy's); from any other peer the header is ignored and the peer is the client.
    public var trustedProxies: TrustedProxies
    /// The rate limiter's clock (a test may stop it).
    public var clock: @Sendable () -> ContinuousClock.Instant

    public init(
        postsPerMinute: Int = LandingSettings.defaultPostsPerMinute, trustedProxies: TrustedProxies = .none,
        clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.postsPerMinute = postsPerMinute
        self.trustedProxies = trustedProxies
        self.clock = clock
    }
}
