import NPSDomain

/// A random small fleet's votes in one campaign, for the privacy attacker:
/// workspaces of 1 to 3k votes, some of which are all admins or have a
/// lone admin, roles drawn per vote, and a k from 2 to 10. The same seed
/// gives the same fleet on every run.
public struct PrivacyFleet: Sendable, CustomStringConvertible {
    public struct Vote: Sendable, Hashable {
        /// Unique in the fleet: the vote's identifier is made from it.
        public var number: Int
        public var workspaceID: String
        public var roles: Set<String>
        public var score: Int
    }

    public var seed: UInt64
    public var k: Int
    public var votes: [Vote]

    public static let roles = ["admin", "moderator", "user", "bot"]

    public init(seed: UInt64, k fixedK: Int? = nil, maximumWorkspaces: Int = 8) {
        var random = SplitMix64(seed: seed)
        let k = fixedK ?? Int.random(in: 2...10, using: &random)
        var votes: [Vote] = []
        for index in 0..<Int.random(in: 1...maximumWorkspaces, using: &random) {
            let workspaceID = "w\(index)"
            let size = Int.random(in: 1...(3 * k), using: &random)
            // How the workspace's people hold roles: mostly users, all admins, or one lone admin.
            let shape = Int.random(in: 0..<4, using: &random)
            for member in 0..<size {
                var roles: Set<String> = []
                switch shape {
                case 1: roles = ["admin"]
                case 2: roles = member == 0 ? ["admin"] : ["user"]
                default:
                    for role in Self.roles where Double.random(in: 0..<1, using: &random) < Self.chance(role) {
                        roles.insert(role)
                    }
                }
                votes.append(
                    Vote(
                        number: votes.count + 1, workspaceID: workspaceID, roles: roles,
                        score: Int.random(in: 0...10, using: &random)))
            }
        }
        self.seed = seed
        self.k = k
        self.votes = votes
    }

    static func chance(_ role: String) -> Double {
        switch role {
        case "user": 0.85
        case "admin": 0.15
        case "moderator": 0.2
        default: 0.05
        }
    }

    public var groups: [VoterGroup] {
        var counts: [String: [Set<String>: Int]] = [:]
        for vote in votes { counts[vote.workspaceID, default: [:]][vote.roles, default: 0] += 1 }
        return counts.flatMap { workspace, sets in
            sets.map { VoterGroup(workspaceID: workspace, roles: $0.key, votes: $0.value) }
        }
    }

    public var description: String {
        var sizes: [String: Int] = [:]
        for vote in votes { sizes[vote.workspaceID, default: 0] += 1 }
        return "fleet \(seed): k \(k), workspaces \(sizes.sorted { $0.key < $1.key })"
    }
}
