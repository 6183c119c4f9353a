/// A pooled NPS with workspaces as clusters. A workspace's users share a
/// version, a deployment and an admin, so their votes are correlated and the
/// adjusted-Wald interval, which counts every vote as independent, is too
/// narrow. The variance of r = (P − D)/N by the linearisation of a ratio
/// estimator, clusters drawn with replacement:
///
///     V_cl  = m/(m − 1) · Σ(yᵢ − r·nᵢ)² / N²
///           = m/(m − 1) · (Σyᵢ² − 2r·Σyᵢnᵢ + r²·Σnᵢ²) / N²
///     V_srs = ((P + D)/N − r²) / (N − 1)
///     deff  = V_cl / V_srs
///
/// Both carry the same degrees-of-freedom correction, so with one vote per
/// workspace deff is exactly 1. The clustered interval is the adjusted-Wald
/// interval (same centre) with its half-width times √deff: it equals the
/// adjusted Wald when votes are independent and keeps its behaviour at
/// small n. deff is not floored at 1: workspaces more alike in mix than
/// chance would make it smaller, and hiding that would hide the data. See
/// docs/segments.md.
public struct ClusteredEstimate: Sendable, Hashable {
    public let sums: ClusterSums

    public init(_ sums: ClusterSums) { self.sums = sums }

    /// V_cl on the −1…+1 scale; nil under two clusters.
    public var clusteredVariance: Double? {
        guard sums.clusters >= 2, sums.votes > 0 else { return nil }
        let n = Double(sums.votes)
        let r = Double(sums.promoters - sums.detractors) / n
        let residuals =
            Double(sums.netSquares) - 2 * r * Double(sums.netTimesVotes) + r * r * Double(sums.voteSquares)
        let m = Double(sums.clusters)
        return m / (m - 1) * max(0, residuals) / (n * n)
    }

    /// V_srs on the −1…+1 scale; nil under two votes.
    public var simpleVariance: Double? {
        guard sums.votes >= 2 else { return nil }
        let n = Double(sums.votes)
        let r = Double(sums.promoters - sums.detractors) / n
        return max(0, Double(sums.promoters + sums.detractors) / n - r * r) / (n - 1)
    }

    public var designEffect: Double? {
        guard let clustered = clusteredVariance, let simple = simpleVariance, simple > 0 else { return nil }
        // One vote per workspace (Σnᵢ² = N): 1 by the algebra, which the division can miss in the last bit.
        if sums.voteSquares == sums.votes { return 1 }
        return clustered / simple
    }

    /// 100 · √V_cl, in NPS points.
    public var standardError: Double? {
        clusteredVariance.map { 100 * $0.squareRoot() }
    }

    /// The votes that would give the same precision if independent: N / deff.
    public var effectiveVotes: Double? {
        guard let designEffect, designEffect > 0 else { return nil }
        return Double(sums.votes) / designEffect
    }

    /// The adjusted-Wald interval widened by √deff, within [−100, +100]; nil without a design effect.
    public func interval(confidence: ConfidenceLevel = .ninetyFivePercent) -> ClosedRange<Double>? {
        designEffect.flatMap { sums.summary.interval(confidence: confidence, varianceFactor: $0) }
    }
}
