/// The Rocket.Chat versions in the simulated fleet, and how each speaks
/// (`../shared/docs/rocketchat-wire.md`). Shares are of workspaces.
public struct RocketChatRelease: Sendable, Hashable {
    /// How a release's results upload and sync look on the wire.
    public enum Shape: String, Sendable, CaseIterable {
        /// 3.x: legacy sync; whole vote documents with the score as the UI's string.
        case wholeDocuments
        /// 4.x: legacy sync; `{identifier, roles, score, comment}` with string
        /// scores, posted as `text/plain;charset=UTF-8` (`JSON.stringify` through `fetch`).
        case stringScoresAsText
        /// 5.x: legacy sync; string scores, `application/json`.
        case stringScores
        /// 6.x–8.x: `/api/v3/comms/workspace`; numeric scores; a missing comment arrives as "undefined".
        case numericScores
    }

    public var version: String
    public var shape: Shape

    static let fleet: [(RocketChatRelease, Double)] = [
        (RocketChatRelease(version: "3.18.7", shape: .wholeDocuments), 0.06),
        (RocketChatRelease(version: "4.8.7", shape: .stringScoresAsText), 0.10),
        (RocketChatRelease(version: "5.4.10", shape: .stringScores), 0.14),
        (RocketChatRelease(version: "6.5.3", shape: .numericScores), 0.20),
        (RocketChatRelease(version: "6.10.1", shape: .numericScores), 0.20),
        (RocketChatRelease(version: "7.6.2", shape: .numericScores), 0.18),
        (RocketChatRelease(version: "8.0.1", shape: .numericScores), 0.12),
    ]

    /// The release's major version: 3 to 8.
    var major: Int { Int(version.prefix { $0.isNumber }) ?? 0 }

    /// Whether the sync goes to `/api/v3/comms/workspace` (6.x–8.x) or to the legacy client URI.
    var syncsThroughComms: Bool { shape == .numericScores }

    /// 3.x sends no `npsEnabled` in its sync: the collector learns the setting from statistics.
    var syncSendsNPSFlag: Bool { major >= 4 }

    /// 7.x and 8.x sync with the whole registration record, personal data included.
    var syncSendsRegistrationRecord: Bool { major >= 7 }
}
