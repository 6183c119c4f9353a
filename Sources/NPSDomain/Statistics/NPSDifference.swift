import Foundation

/// NPS₁ − NPS₂ for two independent groups (two campaigns, roles, workspaces
/// or segments; for segments see `NPSDifference+clustered.swift`).
/// Independent samples only: voter hashes change between campaigns, so votes
/// cannot be paired and a paired test would not apply.
public struct NPSDifference: Sendable, Hashable {
    /// NPS₁ − NPS₂, in points.
    public let delta: Double
    /// 100 · √(v₁/n₁ + v₂/n₂), in points.
    public let standardError: Double

    public init(delta: Double, standardError: Double) {
        self.delta = delta
        self.standardError = standardError
    }

    /// Fails when either group is empty, since an empty group has no score.
    public init?(_ first: NPSSummary, against second: NPSSummary) {
        guard let firstScore = first.score, let secondScore = second.score,
            let firstVariance = first.variance, let secondVariance = second.variance
        else { return nil }
        self.init(
            delta: firstScore - secondScore,
            standardError: 100 * (firstVariance / Double(first.n) + secondVariance / Double(second.n)).squareRoot())
    }

    /// Δ / SE. nil when SE is 0 (both groups unanimous within a category), where
    /// the normal approximation says nothing useful.
    public var z: Double? {
        standardError > 0 ? delta / standardError : nil
    }

    /// Two-sided p = 2 · (1 − Φ(|z|)), written as erfc so that small p-values do
    /// not round to 0. nil when `z` is.
    public var pValue: Double? {
        guard let z else { return nil }
        return erfc(abs(z) / 2.0.squareRoot())
    }

    /// Δ ± z · SE, clamped to [−200, +200], the range a difference of two scores can take.
    public func interval(confidence: ConfidenceLevel = .ninetyFivePercent) -> ClosedRange<Double> {
        let halfWidth = confidence.z * standardError
        return max(-200, delta - halfWidth)...min(200, delta + halfWidth)
    }
}
