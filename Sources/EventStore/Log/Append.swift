import Foundation

/// What an append requires of the stream it writes to.
public enum ExpectedVersion: Sendable, Equatable {
    /// Wherever the stream is.
    case any
    /// The stream has no events yet.
    case noStream
    /// The stream's last version is exactly this.
    case exactly(Int64)

    var sqlValue: Int64? {
        switch self {
        case .any: nil
        case .noStream: 0
        case .exactly(let version): version
        }
    }
}

/// What became of each event of an append, in the order given.
public struct AppendResult: Sendable, Equatable {
    public struct Outcome: Sendable, Equatable {
        public var eventID: UUID
        public var position: Int64
        public var streamVersion: Int64
        /// The event id was already in the log: nothing was written for it.
        public var isRepeat: Bool
    }

    public var outcomes: [Outcome]

    public var appendedCount: Int { outcomes.count { !$0.isRepeat } }
    public var repeatCount: Int { outcomes.count { $0.isRepeat } }
    public var positions: [Int64] { outcomes.map(\.position) }
}

/// Another writer appended to the stream first; nothing was written.
/// Reload the stream and decide again.
public struct WrongExpectedVersion: Error, Equatable, CustomStringConvertible {
    public var streamID: String
    public var expected: ExpectedVersion
    public var actual: Int64

    public var description: String {
        "stream \(streamID) is at version \(actual), not the expected \(expected)"
    }
}
