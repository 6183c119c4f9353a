import Foundation

/// The standard normal distribution, enough of it for intervals and p-values.
public enum NormalDistribution {
    /// Φ(x). Written with erfc so that far tails keep their relative precision
    /// instead of collapsing to 1 − 1.
    public static func cdf(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// Φ⁻¹(p): −∞ at 0, +∞ at 1, NaN outside [0, 1].
    ///
    /// Acklam's rational approximation (relative error about 1.15e-9) followed by
    /// one Halley refinement step against the erfc-based `cdf`, which brings it to
    /// near full double precision; z for 95 % must match 1.959963984540054.
    public static func quantile(_ p: Double) -> Double {
        guard p > 0, p < 1 else {
            if p == 0 { return -.infinity }
            if p == 1 { return .infinity }
            return .nan
        }
        // 1 − p is exact for p ≥ 0.5, so mirroring loses nothing and keeps one code path.
        if p > 0.5 { return -quantile(1 - p) }
        let estimate = p < Acklam.lowRegion ? Acklam.tail(p) : Acklam.central(p)
        let error = cdf(estimate) - p
        let step = error * (2 * Double.pi).squareRoot() * exp(estimate * estimate / 2)
        return estimate - step / (1 + estimate * step / 2)
    }
}

private enum Acklam {
    static let lowRegion = 0.02425

    static let a = [
        -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
        1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00,
    ]
    static let b = [
        -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
        6.680131188771972e+01, -1.328068155288572e+01,
    ]
    static let c = [
        -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
        -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00,
    ]
    static let d = [
        7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
        3.754408661907416e+00,
    ]

    static func central(_ p: Double) -> Double {
        let q = p - 0.5
        let r = q * q
        return horner(a, r) * q / (horner(b, r) * r + 1)
    }

    static func tail(_ p: Double) -> Double {
        let q = (-2 * log(p)).squareRoot()
        return horner(c, q) / (horner(d, q) * q + 1)
    }

    private static func horner(_ coefficients: [Double], _ x: Double) -> Double {
        coefficients.reduce(0) { $0 * x + $1 }
    }
}
