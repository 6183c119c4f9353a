/// The threshold k of the small-group rule, and the rule for one dimension
/// of cells under a total. The whole rule set for a campaign (which
/// workspaces, roles and record attributes are published) is `Disclosure`.
public struct PrivacyThreshold: Sendable, Hashable {
    public static let defaultK = 5

    /// The smallest vote count whose score may be shown.
    public let k: Int

    public init(k: Int = PrivacyThreshold.defaultK) {
        self.k = k
    }

    public enum Visibility: Sendable, Hashable {
        /// No votes: there is nothing to hide, and no score either.
        case noData
        /// Some votes, but fewer than k: show the count only.
        case belowThreshold
        /// k votes or more: show everything.
        case shown
    }

    /// A cell with no votes is "no data", not "below threshold": the two must be
    /// told apart when displayed, so an empty cell is not below the threshold.
    public func isBelow(count: Int) -> Bool {
        count > 0 && count < k
    }

    public func visibility(count: Int) -> Visibility {
        if count <= 0 { return .noData }
        return count < k ? .belowThreshold : .shown
    }

    /// Whether a group of `count` votes may be set apart from the rest: it is
    /// empty or holds at least k votes. What a subtraction leaves must pass it.
    public func isSafeRemainder(_ count: Int) -> Bool {
        count == 0 || count >= k
    }
}

extension PrivacyThreshold {
    /// Complementary suppression's test: `withheldCells` cells withheld
    /// together, pooling `pool` votes, must be none, or at least two holding
    /// at least k votes; otherwise the smallest shown cell joins them. Every
    /// cell that joins holds k or more (those under k are withheld already),
    /// so one joins at most.
    public func needsComplement(withheldCells: Int, pool: Int) -> Bool {
        withheldCells > 0 && (pool < k || withheldCells < 2)
    }

    /// The cells of one dimension under a shown total (workspaces under a
    /// campaign, roles under a campaign) whose figures are withheld.
    ///
    /// Primary suppression: every cell below k. Complementary suppression:
    /// the total minus the shown cells is the withheld cells pooled, so the
    /// withheld cells must together hold at least k votes, and be at least two
    /// (one withheld cell would be the total minus the others). Cells are
    /// added smallest first (ties: the smallest key) until both hold; when
    /// even every cell together holds fewer than k, all are withheld, and so
    /// is the total, which is then below k itself. Cells with no votes are
    /// neither withheld nor counted. `alsoWithheld` are cells withheld for a
    /// reason of another rule; they count towards the pool.
    public func cellsToWithhold<Cell: Comparable>(_ votes: [Cell: Int], alsoWithheld: Set<Cell> = []) -> Set<Cell> {
        let cells = Array(votes.keys)
        let withheld = cellsToWithhold(
            votes: cells.map { votes[$0]! }, alsoWithheld: cells.map(alsoWithheld.contains),
            keyPrecedes: { cells[$0] < cells[$1] }
        ).isWithheld
        return Set(cells.indices.filter { withheld[$0] }.map { cells[$0] })
    }

    /// The same rule over cells numbered `0..<votes.count` (`keyPrecedes`
    /// orders two of them by key, for ties): whether each is withheld. In
    /// linear passes, for dimensions of 100,000 cells (a campaign's
    /// workspaces): every cell added to the primary ones holds k or more, so
    /// one at most is, and it is the smallest, found without sorting. Also
    /// returns the votes the withheld cells pool.
    public func cellsToWithhold(
        votes: [Int], alsoWithheld: [Bool], keyPrecedes: (Int, Int) -> Bool
    ) -> (isWithheld: [Bool], pool: Int) {
        var withheld = votes.indices.map { votes[$0] > 0 && (isBelow(count: votes[$0]) || alsoWithheld[$0]) }
        var count = withheld.count { $0 }
        var pool = votes.indices.reduce(0) { $0 + (withheld[$1] ? votes[$1] : 0) }
        while needsComplement(withheldCells: count, pool: pool) {
            var smallest: Int?
            for cell in votes.indices where votes[cell] > 0 && !withheld[cell] {
                if let best = smallest,
                    votes[cell] > votes[best] || (votes[cell] == votes[best] && !keyPrecedes(cell, best))
                {
                    continue
                }
                smallest = cell
            }
            guard let smallest else { break }
            withheld[smallest] = true
            pool += votes[smallest]
            count += 1
        }
        return (withheld, pool)
    }
}
