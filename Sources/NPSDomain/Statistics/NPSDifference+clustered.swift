extension NPSDifference {
    /// A segment's NPS less another independent group's (the rest of its
    /// campaign, or the same segment in the campaign before), each side's
    /// variance clustered by workspace where it has two workspaces or more
    /// (`ClusteredEstimate`), and the per-vote variance where it has one: a
    /// single workspace has no between-workspace spread to measure. Nil when
    /// either side has no votes.
    public init?(clustered segment: ClusterSums, against rest: ClusterSums) {
        guard let segmentScore = segment.summary.score, let restScore = rest.summary.score,
            let segmentVariance = Self.variance(segment), let restVariance = Self.variance(rest)
        else { return nil }
        self.init(delta: segmentScore - restScore, standardError: 100 * (segmentVariance + restVariance).squareRoot())
    }

    /// The variance of a side's score on the −1…+1 scale.
    static func variance(_ sums: ClusterSums) -> Double? {
        if let clustered = ClusteredEstimate(sums).clusteredVariance { return clustered }
        return sums.summary.variance.map { $0 / Double(sums.votes) }
    }
}
