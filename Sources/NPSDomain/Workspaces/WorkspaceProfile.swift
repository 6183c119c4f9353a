import Foundation

/// The non-personal facts a workspace reports about itself, from its
/// statistics document and its sync body. Read from an allow-list of
/// members: anything else those bodies carry (contact name and email,
/// address, account and site names, website, host, fingerprints, tokens) is
/// never read into it, so it can never reach the log.
public struct WorkspaceProfile: Codable, Sendable, Equatable {
    public var version: String?
    public var deploymentMethod: String?
    public var deploymentPlatform: String?
    /// `enterprise` or `community`, from `enterpriseReady` when the workspace says.
    public var edition: String?
    /// User counts, kept within `WorkspaceProfile.userCountTolerance` of the reported ones.
    public var totalUsers: Int?
    public var activeUsers: Int?
    // Non-personal registration fields of the sync body.
    public var seats: Int?
    public var organizationType: String?
    public var industry: String?
    public var orgSize: String?
    public var country: String?
    public var language: String?
    public var workspaceType: String?

    public init() {}

    /// A user count is recorded again only when it moved more than this share
    /// from the recorded one: daily ups and downs of a few users would
    /// otherwise make a daily event, and a response rate needs no more
    /// precision than this.
    public static let userCountTolerance = 0.1
    /// Longest text kept of any field; longer is cut (these are labels, not prose).
    public static let fieldLength = 64

    /// The facts of a statistics document (`version`, `deploy.method`,
    /// `deploy.platform`, `totalUsers`, `activeUsers`, `enterpriseReady`, the
    /// setup wizard's `organizationType`, `industry`, `size`, `country`, `language`).
    public init(statistics document: JSONValue) {
        version = Self.text(document["version"])
        deploymentMethod = Self.text(document["deploy"]?["method"])
        deploymentPlatform = Self.text(document["deploy"]?["platform"])
        edition = Self.edition(document["enterpriseReady"])
        totalUsers = Self.count(document["totalUsers"])
        activeUsers = Self.count(document["activeUsers"])
        let wizard = document["wizard"]
        organizationType = Self.text(wizard?["organizationType"])
        industry = Self.text(wizard?["industry"])
        orgSize = Self.text(wizard?["size"])
        country = Self.text(wizard?["country"])
        language = Self.text(wizard?["language"])
    }

    /// The non-personal facts of a sync body (the registration record).
    public init(sync body: JSONValue) {
        version = Self.text(body["version"])
        deploymentMethod = Self.text(body["deploymentMethod"])
        deploymentPlatform = Self.text(body["deploymentPlatform"])
        edition = Self.edition(body["enterpriseReady"])
        seats = Self.count(body["seats"])
        organizationType = Self.text(body["organizationType"])
        industry = Self.text(body["industry"])
        orgSize = Self.text(body["orgSize"])
        country = Self.text(body["country"])
        language = Self.text(body["language"])
        workspaceType = Self.text(body["workspaceType"])
    }

    /// This profile with every fact `newer` states replacing the recorded one.
    public func updated(with newer: WorkspaceProfile) -> WorkspaceProfile {
        var merged = self
        merged.version = newer.version ?? version
        merged.deploymentMethod = newer.deploymentMethod ?? deploymentMethod
        merged.deploymentPlatform = newer.deploymentPlatform ?? deploymentPlatform
        merged.edition = newer.edition ?? edition
        merged.seats = newer.seats ?? seats
        merged.organizationType = newer.organizationType ?? organizationType
        merged.industry = newer.industry ?? industry
        merged.orgSize = newer.orgSize ?? orgSize
        merged.country = newer.country ?? country
        merged.language = newer.language ?? language
        merged.workspaceType = newer.workspaceType ?? workspaceType
        merged.totalUsers = Self.drifted(totalUsers, newer.totalUsers)
        merged.activeUsers = Self.drifted(activeUsers, newer.activeUsers)
        return merged
    }

    /// The recorded count, unless the reported one moved past the tolerance.
    static func drifted(_ recorded: Int?, _ reported: Int?) -> Int? {
        guard let reported else { return recorded }
        guard let recorded else { return reported }
        let moved = abs(Double(reported - recorded))
        return moved > Double(max(recorded, 1)) * userCountTolerance ? reported : recorded
    }

    static func text(_ value: JSONValue?) -> String? {
        guard let text = value?.stringValue?.replacingOccurrences(of: "\u{0}", with: ""), !text.isEmpty else {
            return nil
        }
        return String(text.prefix(fieldLength))
    }

    static func count(_ value: JSONValue?) -> Int? {
        guard let number = value?.doubleValue, number >= 0, number < 1e12, number.rounded() == number else {
            return nil
        }
        return Int(number)
    }

    static func edition(_ value: JSONValue?) -> String? {
        value?.boolValue.map { $0 ? "enterprise" : "community" }
    }
}
