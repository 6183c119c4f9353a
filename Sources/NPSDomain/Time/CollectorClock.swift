import Foundation
import Synchronization

/// The collector's notion of "now": when a campaign is open, whether a
/// hand-out is early enough, when an event was recorded.
///
/// Production runs on `SystemClock`. `SimulatedClock` exists so that a
/// simulator can play months of a programme in a minute (`NPS_SIMULATED_CLOCK`,
/// `nps-collector simulate`); it only ever moves forward.
public protocol CollectorClock: Sendable {
    var now: Date { get }
    /// The simulated clock when this is one; nil on the system clock.
    var simulated: SimulatedClock? { get }
}

public struct SystemClock: CollectorClock {
    public init() {}
    public var now: Date { Date() }
    public var simulated: SimulatedClock? { nil }
}

public final class SimulatedClock: CollectorClock {
    private let current: Mutex<Date>

    public init(startingAt start: Date = Date()) {
        current = Mutex(start)
    }

    public var now: Date { current.withLock { $0 } }
    public var simulated: SimulatedClock? { self }

    /// Moves the clock to `date`; refuses to move it back, since every
    /// decision already taken (a hand-out, a recorded event) assumed the
    /// earlier time had passed.
    @discardableResult
    public func advance(to date: Date) throws(ClockCannotGoBack) -> Date {
        try current.withLock { now throws(ClockCannotGoBack) in
            guard date >= now else { throw ClockCannotGoBack(now: now, requested: date) }
            now = date
            return now
        }
    }
}

public struct ClockCannotGoBack: Error, CustomStringConvertible {
    public var now: Date
    public var requested: Date

    public var description: String {
        "the simulated clock is at \(EventJSON.formatTimestamp(now)) and cannot go back to \(EventJSON.formatTimestamp(requested))"
    }
}
