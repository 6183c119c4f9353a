import Crypto
import Foundation

/// What a bearer token allows.
public enum Scope: String, Sendable, Codable, CaseIterable {
    /// Bound to one workspace; may only report for itself.
    case workspace
    /// Reads projections.
    case analyst
    /// Campaigns, workspaces, tokens.
    case admin
}

/// Who is calling, once their token checked out.
public struct Identity: Sendable, Equatable {
    public var tokenID: UUID
    public var scope: Scope
    /// Set for workspace tokens only.
    public var workspaceID: String?
}

/// A token as it is handed out: the only time its secret is visible.
public struct IssuedToken: Sendable, Codable, Equatable {
    public var id: UUID
    public var token: String
    public var scope: Scope
    public var workspaceID: String?
}

enum TokenSecret {
    static let prefix = "nps_"

    /// 256 random bits, URL-safe base64 without padding.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + base64
    }

    static func hash(_ token: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(token.utf8)))
    }

    /// Equal or not, in time that does not depend on where they differ.
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
