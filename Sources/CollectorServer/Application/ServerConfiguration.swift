import Foundation
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
    /// NPS_SIMULATED_CLOCK=on: a `SimulatedClock` that `POST /api/v1/clock` moves.
    public var clock: any CollectorClock

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        noticePeriod: TimeInterval = 21 * 86_400,
        projectors: ProjectorConfiguration? = ProjectorConfiguration(),
        privacy: PrivacyThreshold = PrivacyThreshold(),
        clock: any CollectorClock = SystemClock()
    ) {
        self.privacy = privacy
        self.clock = clock
        self.host = host
        self.port = port
        self.noticePeriod = noticePeriod
        self.projectors = projectors
    }
}
