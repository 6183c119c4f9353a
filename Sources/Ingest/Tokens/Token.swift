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

    enum CodingKeys: String, CodingKey {
        case id, token, scope
        case workspaceID = "workspaceId"
    }

    public init(id: UUID, token: String, scope: Scope, workspaceID: String?) {
        self.id = id
        self.token = token
        self.scope = scope
        self.workspaceID = workspaceID
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(UUID.self, forKey: .id)
        token = try container.decode(String.self, forKey: .token)
        scope = try container.decode(Scope.self, forKey: .scope)
        workspaceID = try container.decodeIfPresent(String.self, forKey: .workspaceID)
    }

    /// Ids are written in lowercase, as the CLI prints them.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.uuidString.lowercased(), forKey: .id)
        try container.encode(token, forKey: .token)
        try container.encode(scope, forKey: .scope)
        try container.encodeIfPresent(workspaceID, forKey: .workspaceID)
    }
}

enum TokenSecret {
    static let prefix = "nps_"

    static func generate() -> String {
        prefix + randomBits()
    }

    /// 256 random bits, URL-safe base64 without padding (43 characters).
    static func randomBits() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
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
