/// Which roles of a campaign show their totals: rules 4 and 6 of
/// `Disclosure`, decided from a few counts per role rather than from every
/// voter group. `Disclosure` decides its roles through this type; the role
/// breakdown uses it alone, from counts read in the database
/// (`RoleHoldingQuery`).
///
/// Rule 6 withholds a role campaign-wide only when even no record carrying
/// it leaves its total unsafe, which takes one of two shapes: no published
/// workspace holds the role and the pool minus it holds 1 to k − 1 votes;
/// or the pool holds none of it, one published workspace alone holds it,
/// that workspace's records do not show it (rule 5), and the workspace minus
/// it holds 1 to k − 1. In every other shape taking the role off records
/// makes the total safe, which is rule 6's business with the records, not
/// with the total. Each role so withheld is followed by rule 4's
/// complementary suppression among roles, until nothing changes.
public struct RoleDisclosure: Sendable, Equatable {
    public let withheldRoles: Set<String>

    /// What rule 6 needs to know of one role besides its votes.
    public struct Holding: Sendable, Equatable {
        /// The role's votes in the withheld workspaces (the pool).
        public var inPool: Int
        /// How many published workspaces hold the role, counted up to 2.
        public var publishedHolders: Int
        /// When one published workspace alone holds the role and its records
        /// do not show it (rule 5): that workspace's votes.
        public var onlyHolderHidingIt: Int?

        public init(inPool: Int, publishedHolders: Int, onlyHolderHidingIt: Int?) {
            self.inPool = inPool
            self.publishedHolders = min(publishedHolders, 2)
            self.onlyHolderHidingIt = onlyHolderHidingIt
        }
    }

    /// Rule 4: roles under k, roles whose complement (the votes without
    /// them) holds 1 to k − 1, and complementary suppression among roles.
    public static func byRuleFour(
        roleVotes: [String: Int], totalVotes: Int, threshold: PrivacyThreshold
    ) -> Set<String> {
        let smallComplements = Set(roleVotes.filter { !threshold.isSafeRemainder(totalVotes - $0.value) }.keys)
        return threshold.cellsToWithhold(roleVotes, alsoWithheld: smallComplements)
    }

    /// - Parameters:
    ///   - roleVotes: each role's current votes, roles without any left out.
    ///   - pool: the votes of the withheld workspaces (`WorkspaceDisclosure.pool`).
    ///   - holdings: for each role not withheld by rule 4.
    public init(
        threshold: PrivacyThreshold, isTotalPublished: Bool, roleVotes: [String: Int], byRuleFour: Set<String>,
        pool: Int, holdings: [String: Holding]
    ) {
        guard isTotalPublished else {
            withheldRoles = Set(roleVotes.keys)
            return
        }
        var withheld = byRuleFour
        while true {
            var newly: Set<String> = []
            for (role, votes) in roleVotes where !withheld.contains(role) {
                guard let holding = holdings[role] else {
                    // Not counted: withheld, as a figure the rule did not see.
                    newly.insert(role)
                    continue
                }
                if Self.isWithheldByRuleSix(votes: votes, holding: holding, pool: pool, threshold: threshold) {
                    newly.insert(role)
                }
            }
            if newly.isEmpty { break }
            withheld = threshold.cellsToWithhold(roleVotes, alsoWithheld: withheld.union(newly))
        }
        withheldRoles = withheld
    }

    static func isWithheldByRuleSix(
        votes: Int, holding: Holding, pool: Int, threshold: PrivacyThreshold
    ) -> Bool {
        if holding.publishedHolders == 0 && holding.inPool > 0 {
            return !threshold.isSafeRemainder(pool - votes)
        }
        if holding.inPool == 0, holding.publishedHolders == 1, let holderVotes = holding.onlyHolderHidingIt {
            return !threshold.isSafeRemainder(holderVotes - votes)
        }
        return false
    }

    public func isWithheld(_ role: String) -> Bool {
        withheldRoles.contains(role)
    }
}
