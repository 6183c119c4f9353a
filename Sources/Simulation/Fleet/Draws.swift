import Foundation
import NPSDomain

/// The draws the fleet is made of, written out rather than taken from the
/// standard library's `random(in:using:)`, whose algorithm is not promised to
/// stay the same: the same seed must give the same traffic on every toolchain.
extension SplitMix64 {
    /// A generator for one part of the simulation, so that what one workspace
    /// does never depends on how many draws another one made.
    init(seed: UInt64, _ parts: UInt64...) {
        var mixed = SplitMix64(seed: seed)
        var state = mixed.next()
        for part in parts {
            mixed = SplitMix64(seed: state ^ part &* 0x9E37_79B9_7F4A_7C15)
            state = mixed.next()
        }
        self.init(seed: state)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// Uniform in `range`.
    mutating func integer(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * unit()
    }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u1 = max(unit(), 0x1p-53)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * unit())
    }

    /// Pareto with scale `minimum` and shape `alpha`, capped at `maximum`:
    /// most draws near the minimum, a few very large.
    mutating func pareto(minimum: Double, alpha: Double, maximum: Double) -> Double {
        min(maximum, minimum / pow(1 - unit(), 1 / alpha))
    }

    /// One of `choices`, each as likely as its weight.
    mutating func pick<Choice>(_ choices: [(Choice, Double)]) -> Choice {
        let total = choices.reduce(0) { $0 + $1.1 }
        var point = unit() * total
        for (choice, weight) in choices {
            if point < weight { return choice }
            point -= weight
        }
        return choices[choices.count - 1].0
    }

    /// Lowercase hex of `count` random bytes.
    mutating func hex(bytes count: Int) -> String {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }.lowercaseHex
    }
}
