import Foundation
import NPSDomain
import Synchronization

/// A token bucket per client: `capacity` requests at once, then one every
/// `refillInterval`. In memory, per process: behind N collectors a client
/// may post N times as often. Used for landing-page answers (per client
/// address) and unauthenticated statistics reports (per client address and
/// per `uniqueId`).
final class RateLimiter: Sendable {
    let capacity: Int
    /// Past this many clients, buckets that have filled up again are
    /// forgotten, at most once a minute: a drained bucket takes a while to
    /// fill, so pruning more often finds nothing new and would cost every
    /// request a pass over all buckets while many clients post.
    static let pruneAbove = 10_000
    static let pruneInterval = Duration.seconds(60)

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private struct Buckets {
        var byClient: [String: Bucket] = [:]
        var lastPruned: ContinuousClock.Instant?
    }

    private let buckets = Mutex(Buckets())
    private let clock: @Sendable () -> ContinuousClock.Instant
    private let refillPerSecond: Double

    init(
        capacity: Int, refillInterval: Duration,
        clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.capacity = capacity
        self.refillPerSecond = 1 / refillInterval.seconds
        self.clock = clock
    }

    /// `perMinute` at once, then one every 60 / `perMinute` seconds.
    convenience init(perMinute: Int, clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.init(capacity: perMinute, refillInterval: .seconds(60) / perMinute, clock: clock)
    }

    /// The clients with a bucket now (pruned ones are gone).
    var clients: Int { buckets.withLock { $0.byClient.count } }

    /// nil when `client` may go on (and a token is taken); otherwise the whole seconds until it may.
    func retryAfter(_ client: String, now given: ContinuousClock.Instant? = nil) -> Int? {
        let now = given ?? clock()
        let capacity = Double(self.capacity)
        let rate = refillPerSecond
        return buckets.withLock { buckets in
            if buckets.byClient.count > Self.pruneAbove,
                buckets.lastPruned.map({ now - $0 >= Self.pruneInterval }) ?? true
            {
                buckets.byClient = buckets.byClient.filter { _, bucket in
                    bucket.tokens + (now - bucket.updated).seconds * rate < capacity
                }
                buckets.lastPruned = now
            }
            var bucket = buckets.byClient[client] ?? Bucket(tokens: capacity, updated: now)
            bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated).seconds * rate)
            bucket.updated = now
            defer { buckets.byClient[client] = bucket }
            // A nanosecond's tolerance, so that whole refills are not lost to rounding.
            let tolerance = 1e-9
            guard bucket.tokens >= 1 - tolerance else {
                return max(1, Int(((1 - bucket.tokens) / rate - tolerance).rounded(.up)))
            }
            bucket.tokens -= 1
            return nil
        }
    }
}
