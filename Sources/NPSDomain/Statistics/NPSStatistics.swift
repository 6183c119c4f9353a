/// NPS arithmetic that is not about one group of votes.
public enum NPSStatistics {
    /// Votes needed for an adjusted-Wald margin of error of `margin` points:
    /// ⌈z² · v · 10⁴ / m² − 3⌉, never below 0. Use v = 1 (the largest possible
    /// per-vote variance) when nothing is known in advance, or the variance of an
    /// earlier comparable campaign. nil when margin is not positive and finite, or
    /// variance is outside 0...1, or the answer does not fit in an Int.
    public static func sampleSize(
        margin: Double,
        variance: Double,
        confidence: ConfidenceLevel = .ninetyFivePercent
    ) -> Int? {
        guard margin > 0, margin.isFinite, variance >= 0, variance <= 1 else { return nil }
        // The − 3 undoes the three pseudo-votes the adjusted-Wald interval adds.
        let votes = (confidence.z * confidence.z * variance * 10_000 / (margin * margin) - 3).rounded(.up)
        guard votes < Double(Int.max) else { return nil }
        return max(0, Int(votes))
    }

    /// Whole percentages of `counts` that sum to exactly 100 (largest remainder:
    /// floor every share, then hand the missing points to the largest remainders,
    /// earlier entries first on ties). A zero count always gets 0 %. All counts
    /// zero, or no counts, gives all zeros since there is nothing to divide.
    ///
    /// For promoters, passives and detractors the rounded P % − D % can still differ
    /// by one from the rounded score; display code must not derive one from the other.
    public static func largestRemainderPercentages(_ counts: [Int]) -> [Int] {
        precondition(counts.allSatisfy { $0 >= 0 }, "counts cannot be negative")
        let total = counts.reduce(0, +)
        guard total > 0 else { return counts.map { _ in 0 } }
        // Integer arithmetic, so that equal remainders compare equal and ties break by position.
        var percents = counts.map { $0 * 100 / total }
        let remainders = counts.map { $0 * 100 % total }
        let missing = 100 - percents.reduce(0, +)
        let byRemainder = counts.indices.sorted { left, right in
            remainders[left] != remainders[right] ? remainders[left] > remainders[right] : left < right
        }
        for index in byRemainder.prefix(missing) {
            percents[index] += 1
        }
        return percents
    }
}
