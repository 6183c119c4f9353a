import EventStore
import Projections

extension ProjectionStatus {
    /// What a failure message shows of it.
    public var summary: String {
        "\(name): \(state.rawValue), checkpoint \(checkpoint), applied \(eventsApplied), lag \(lag.events), "
            + "owner \(owner ?? "none")\(error.map { ", halted at \($0.position): \($0.reason)" } ?? "")"
    }
}
