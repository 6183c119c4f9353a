/// Where a replay is, after every batch and at every change of phase.
public struct ReplayProgress: Sendable, Equatable {
    public enum Phase: String, Sendable, Codable {
        /// Folding the log into the shadow tables.
        case building
        /// Folding what arrived meanwhile, then swapping the shadow in (live tables locked for a moment).
        case swapping
        /// Bringing the shadow to the live checkpoint and comparing them row by row.
        case comparing
        case done
    }

    public var readModel: String
    public var phase: Phase
    /// Events folded so far (each shard reads the whole log, so a sharded read model counts it once per shard).
    public var events: Int
    /// Events to fold when the replay started; new appends may add a few.
    public var total: Int
    public var seconds: Double

    public var eventsPerSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }

    /// Seconds left at the current rate; nil before there is a rate.
    public var secondsLeft: Double? {
        let rate = eventsPerSecond
        guard rate > 0 else { return nil }
        return Double(max(total - events, 0)) / rate
    }
}
