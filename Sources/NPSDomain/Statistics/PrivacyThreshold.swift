/// The small-group rule: a breakdown cell with fewer than k votes shows its count
/// but no score, distribution or comments. It does not, by itself, stop a reader
/// from recovering a hidden cell by subtracting shown cells from a total; callers
/// that show totals must hide a second cell or merge small cells into "other".
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
}

extension PrivacyThreshold {
    /// The cells of a breakdown whose figures must be withheld when the total
    /// of the breakdown is shown: every cell below the threshold and, when
    /// exactly one is, the shown cell with the fewest votes (ties: the smallest
    /// key) as well, so that the hidden cell is not the total minus the shown
    /// cells. Cells with no votes are neither hidden nor counted.
    public func cellsToWithhold<Cell: Comparable>(_ votes: [Cell: Int]) -> Set<Cell> {
        let below = votes.filter { isBelow(count: $0.value) }
        guard below.count == 1 else { return Set(below.keys) }
        let smallestShown = votes.filter { $0.value >= k }.min { left, right in
            left.value != right.value ? left.value < right.value : left.key < right.key
        }
        return Set(below.keys).union(smallestShown.map { [$0.key] } ?? [])
    }
}
