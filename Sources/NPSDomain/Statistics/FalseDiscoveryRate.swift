/// Multiple comparisons across the rows of one breakdown.
public enum FalseDiscoveryRate {
    /// Benjamini–Hochberg q-values, in the order of `pValues`: with the m
    /// p-values present sorted ascending, q₍ᵢ₎ = min over j ≥ i of
    /// m · p₍ⱼ₎ / j, at most 1. A row with no p-value has no q and does not
    /// count in m. Flagging the rows with q < α keeps the expected share of
    /// false discoveries among them at α or less (independent or positively
    /// dependent tests).
    public static func benjaminiHochberg(_ pValues: [Double?]) -> [Double?] {
        let present = pValues.indices.compactMap { index in pValues[index].map { (index, $0) } }
            .sorted { $0.1 < $1.1 }
        var q = [Double?](repeating: nil, count: pValues.count)
        var running = 1.0
        let m = Double(present.count)
        for (rank, (index, p)) in present.enumerated().reversed() {
            running = min(running, m * p / Double(rank + 1))
            q[index] = running
        }
        return q
    }
}
