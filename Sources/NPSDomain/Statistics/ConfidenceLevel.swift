/// A two-sided confidence level and its critical value z. Validated once here so
/// that the interval functions cannot be handed a level they cannot use.
public struct ConfidenceLevel: Sendable, Hashable {
    /// The level as a fraction, e.g. 0.95.
    public let level: Double
    /// Φ⁻¹(1 − (1 − level) / 2).
    public let z: Double

    /// Fails unless 0 < level < 1.
    public init?(_ level: Double) {
        guard level > 0, level < 1 else { return nil }
        self.level = level
        self.z = -NormalDistribution.quantile((1 - level) / 2)
    }

    /// The level used unless the caller asks for another.
    public static let ninetyFivePercent = ConfidenceLevel(0.95)!
}
