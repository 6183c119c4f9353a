/// The three category counts of a group of votes and everything derived from
/// them. Always computed from raw counts at full precision; rounding is for display.
public struct NPSSummary: Sendable, Hashable {
    public let promoters: Int
    public let passives: Int
    public let detractors: Int

    public init(promoters: Int, passives: Int, detractors: Int) {
        precondition(promoters >= 0 && passives >= 0 && detractors >= 0, "category counts cannot be negative")
        self.promoters = promoters
        self.passives = passives
        self.detractors = detractors
    }

    public var n: Int { promoters + passives + detractors }

    /// 100 · (P − D) / n, from −100 to +100. Not a percentage. nil for an empty
    /// group: no votes means no score, which is not a score of 0.
    public var score: Double? {
        guard n > 0 else { return nil }
        return 100 * Double(promoters - detractors) / Double(n)
    }

    /// Per-vote variance v = p + d − (p − d)² of the score on the −1...+1 scale.
    public var variance: Double? {
        guard n > 0 else { return nil }
        return Self.variance(
            promoterShare: Double(promoters) / Double(n), detractorShare: Double(detractors) / Double(n))
    }

    /// 100 · √(v / n), in NPS points.
    public var standardError: Double? {
        guard let variance else { return nil }
        return 100 * (variance / Double(n)).squareRoot()
    }

    /// Adjusted-Wald interval, clamped to [−100, +100]. Chosen over the plain Wald
    /// interval because it keeps its coverage for small n and does not collapse to
    /// a single point when every vote is in the same category. nil for an empty
    /// group, which has no score to put an interval around.
    public func interval(confidence: ConfidenceLevel = .ninetyFivePercent) -> ClosedRange<Double>? {
        interval(confidence: confidence, varianceFactor: 1)
    }

    /// The adjusted-Wald interval with its variance times `varianceFactor`
    /// (a design effect widens it: `ClusteredEstimate`).
    func interval(confidence: ConfidenceLevel, varianceFactor: Double) -> ClosedRange<Double>? {
        guard n > 0 else { return nil }
        // Three pseudo-votes: ¾ promoter, ¾ detractor, and implicitly 1½ passive.
        let adjustedN = Double(n) + 3
        let p = (Double(promoters) + 0.75) / adjustedN
        let d = (Double(detractors) + 0.75) / adjustedN
        let center = p - d
        let halfWidth =
            confidence.z
            * (Self.variance(promoterShare: p, detractorShare: d) * varianceFactor / adjustedN).squareRoot()
        return max(-100, 100 * (center - halfWidth))...min(100, 100 * (center + halfWidth))
    }

    /// Pools two groups of votes; see `ScoreDistribution.+`.
    public static func + (lhs: NPSSummary, rhs: NPSSummary) -> NPSSummary {
        NPSSummary(
            promoters: lhs.promoters + rhs.promoters,
            passives: lhs.passives + rhs.passives,
            detractors: lhs.detractors + rhs.detractors
        )
    }

    static func variance(promoterShare p: Double, detractorShare d: Double) -> Double {
        // Never negative in exact arithmetic; the guard keeps a rounding error away from √.
        max(0, p + d - (p - d) * (p - d))
    }
}
