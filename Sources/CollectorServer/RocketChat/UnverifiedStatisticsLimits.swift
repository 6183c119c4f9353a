import Hummingbird
import NPSDomain

/// The rate limits of statistics reports without a token: one bucket per
/// client address, one per `uniqueId` (see `Limits`). Past either, 429 with
/// `Retry-After`, nothing stored.
struct UnverifiedStatisticsLimits: Sendable {
    let perClient: RateLimiter
    let perWorkspace: RateLimiter
    let trustedProxies: TrustedProxies

    init(trustedProxies: TrustedProxies, clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        perClient = RateLimiter(
            capacity: Limits.unverifiedStatisticsPerClient,
            refillInterval: .seconds(Limits.unverifiedStatisticsClientRefillSeconds), clock: clock)
        perWorkspace = RateLimiter(
            capacity: Limits.unverifiedStatisticsPerWorkspace,
            refillInterval: .seconds(Limits.unverifiedStatisticsWorkspaceRefillSeconds), clock: clock)
        self.trustedProxies = trustedProxies
    }

    /// Counted before the body is read, so a flood costs no parsing.
    func admitClient(_ request: Request, context: CollectorRequestContext) throws {
        if let seconds = perClient.retryAfter(trustedProxies.client(of: request, context: context)) {
            throw Self.tooMany("too many statistics reports without a token from this address", seconds)
        }
    }

    /// A document without a usable `uniqueId` is left to the ingest's 422.
    func admitWorkspace(_ uniqueID: String?) throws {
        guard let uniqueID, Identifiers.isValid(uniqueID) else { return }
        if let seconds = perWorkspace.retryAfter(uniqueID) {
            throw Self.tooMany("too many statistics reports without a token for this uniqueId", seconds)
        }
    }

    private static func tooMany(_ detail: String, _ seconds: Int) -> APIError {
        APIError(
            status: .tooManyRequests, detail: "\(detail); try again in \(seconds) s",
            headers: [.retryAfter: String(seconds)])
    }
}
