import NPSDomain
import Testing

/// The expected values below were computed independently of this code, with
/// python3 from the per-workspace list (not from the sums), by this script:
///
///     import math
///     Z = 1.959963984540054
///     def clustered(clusters):  # clusters: [(n_i, P_i, D_i)]
///         N = sum(n for n,_,_ in clusters); P = sum(p for _,p,_ in clusters)
///         D = sum(d for _,_,d in clusters); m = len(clusters); r = (P - D) / N
///         vcl = m / (m - 1) * sum(((p - d) - r * n) ** 2 for n,p,d in clusters) / N**2
///         vsrs = ((P + D) / N - r**2) / (N - 1)
///         deff = vcl / vsrs
///         n3 = N + 3; pp = (P + .75) / n3; dd = (D + .75) / n3
///         c = pp - dd; hw = Z * math.sqrt((pp + dd - c * c) / n3)
///         return dict(vcl=vcl, deff=deff, se=100 * math.sqrt(vcl), eff=N / deff,
///                     aw=(100 * (c - hw), 100 * (c + hw)),
///                     cl=(100 * (c - hw * math.sqrt(deff)), 100 * (c + hw * math.sqrt(deff))))
///
/// For the segment comparison, V(segment) = (p + d − (p − d)²) / n with one
/// workspace, V(rest) = vcl of the rest, Δ = 100·(r_seg − r_rest),
/// SE = 100·√(V(segment) + V(rest)), p = math.erfc(|Δ / SE| / √2).
@Suite("Segment statistics")
struct SegmentStatisticsTests {
    struct Workspace {
        var votes: Int
        var promoters: Int
        var detractors: Int
    }

    static func sums(_ workspaces: [Workspace]) -> ClusterSums {
        workspaces.reduce(.zero) { total, workspace in
            total
                + ClusterSums(
                    cluster: workspace.votes, promoters: workspace.promoters, detractors: workspace.detractors)
        }
    }

    static func isClose(_ actual: Double?, _ expected: Double, within tolerance: Double = 1e-9) -> Bool {
        guard let actual else { return false }
        return abs(actual - expected) <= tolerance
    }

    /// (n, P, D) = (12, 8, 1), (5, 1, 3), (20, 9, 6), (3, 3, 0), (9, 2, 4): N 49, P 23, D 14.
    static let mixedFleet = [
        Workspace(votes: 12, promoters: 8, detractors: 1),
        Workspace(votes: 5, promoters: 1, detractors: 3),
        Workspace(votes: 20, promoters: 9, detractors: 6),
        Workspace(votes: 3, promoters: 3, detractors: 0),
        Workspace(votes: 9, promoters: 2, detractors: 4),
    ]

    @Test("cluster sums: per-workspace sums add up to the aggregate, and total − segment is the rest")
    func clusterSums() {
        // y = 7, −2, 3, 3, −2: Σy² = 75, Σy·n = 84 − 10 + 60 + 9 − 18 = 125, Σn² = 144 + 25 + 400 + 9 + 81 = 659.
        let expected = ClusterSums(
            clusters: 5, votes: 49, promoters: 23, detractors: 14, netSquares: 75, netTimesVotes: 125, voteSquares: 659)
        let total = Self.sums(Self.mixedFleet)
        #expect(total == expected)
        #expect(total.summary == NPSSummary(promoters: 23, passives: 12, detractors: 14))

        let segment = Self.sums(Array(Self.mixedFleet.prefix(2)))
        let rest = Self.sums(Array(Self.mixedFleet.dropFirst(2)))
        #expect(total - segment == rest)
        #expect(segment + rest == total)
        #expect(total - total == .zero)
        // A workspace without votes is not a cluster.
        #expect(ClusterSums(cluster: 0, promoters: 0, detractors: 0) == .zero)
        #expect(total + ClusterSums(cluster: 0, promoters: 0, detractors: 0) == total)
    }

    @Test("one vote per workspace: deff is 1 and the clustered interval is the adjusted-Wald interval")
    func oneVotePerWorkspace() throws {
        // P P P A D D P, one vote in each of seven workspaces.
        let categories = [(1, 0), (1, 0), (1, 0), (0, 0), (0, 1), (0, 1), (1, 0)]
        let sums = Self.sums(categories.map { Workspace(votes: 1, promoters: $0.0, detractors: $0.1) })
        let estimate = ClusteredEstimate(sums)
        #expect(Self.isClose(estimate.designEffect, 1, within: 1e-12))
        #expect(estimate.interval() == sums.summary.interval())
        let ninety = try #require(ConfidenceLevel(0.9))
        #expect(estimate.interval(confidence: ninety) == sums.summary.interval(confidence: ninety))
        // python3: vcl = vsrs = 0.1292517006802721, se 35.95159254890834, interval −32.2249 … 72.2249.
        #expect(Self.isClose(estimate.clusteredVariance, 0.1292517006802721, within: 1e-12))
        #expect(Self.isClose(estimate.standardError, 35.95159254890834))
        #expect(Self.isClose(estimate.interval()?.lowerBound, -32.22485770868915))
        #expect(Self.isClose(estimate.interval()?.upperBound, 72.22485770868914))
        #expect(Self.isClose(estimate.effectiveVotes, 7, within: 1e-12))

        // Here V_cl / V_srs rounds to 1.0000000000000002 (python3, same order of
        // operations); deff is still exactly 1, so the interval is the same to the last digit.
        let rounding = Self.sums(
            [(1, 0), (1, 0), (0, 0), (0, 0), (0, 0)].map { Workspace(votes: 1, promoters: $0.0, detractors: $0.1) })
        #expect(ClusteredEstimate(rounding).designEffect == 1)
        #expect(ClusteredEstimate(rounding).interval() == rounding.summary.interval())
    }

    /// Workspaces of b identical votes each, in categories cycling P, A, D.
    static func identicalInside(workspaces m: Int, votesEach b: Int) -> ClusterSums {
        sums(
            (0..<m).map { index in
                Workspace(votes: b, promoters: index % 3 == 0 ? b : 0, detractors: index % 3 == 2 ? b : 0)
            })
    }

    // With every vote of workspace i equal to cᵢ ∈ {−1, 0, 1}: yᵢ = b·cᵢ, N = m·b, r = c̄,
    // V_cl = Σ(cᵢ − c̄)² / (m(m − 1)) and V_srs = Σ(cᵢ − c̄)² / (m(N − 1)), so
    // deff = (N − 1)/(m − 1) = (m·b − 1)/(m − 1): the finite-sample form of
    // 1 + (b − 1)·ρ with ρ = 1, which it approaches (b) as m grows.
    @Test(
        "identical votes inside each workspace: deff = (m·b − 1)/(m − 1)",
        arguments: [(10, 3), (2, 2), (7, 12), (30, 5)])
    func identicalVotesInside(workspaces m: Int, votesEach b: Int) throws {
        let sums = Self.identicalInside(workspaces: m, votesEach: b)
        let estimate = ClusteredEstimate(sums)
        let expected = Double(m * b - 1) / Double(m - 1)
        #expect(Self.isClose(estimate.designEffect, expected, within: 1e-12 * expected))
        let clustered = try #require(estimate.interval())
        let simple = try #require(sums.summary.interval())
        #expect(clustered.lowerBound < simple.lowerBound || clustered.lowerBound == -100)
        #expect(clustered.upperBound > simple.upperBound || clustered.upperBound == 100)
    }

    @Test("identical votes inside ten workspaces of three: the worked interval")
    func identicalVotesWorked() throws {
        let sums = Self.identicalInside(workspaces: 10, votesEach: 3)
        let estimate = ClusteredEstimate(sums)
        // python3: vcl 0.07666666666666666, deff 29/9, adjusted Wald −18.9103 … 37.0921 widened to −41.1729 … 59.3547.
        #expect(Self.isClose(estimate.clusteredVariance, 0.07666666666666666, within: 1e-12))
        #expect(Self.isClose(estimate.designEffect, 29.0 / 9.0))
        let interval = try #require(estimate.interval())
        #expect(Self.isClose(interval.lowerBound, -41.17285223825657))
        #expect(Self.isClose(interval.upperBound, 59.35467042007474))
        #expect(Self.isClose(sums.summary.interval()?.lowerBound, -18.91032938330103))
        #expect(Self.isClose(sums.summary.interval()?.upperBound, 37.092147565119205))
        #expect(Self.isClose(estimate.effectiveVotes, 9.310344827586206))
    }

    @Test("a mixed fleet of five workspaces: V_cl, deff, SE and interval")
    func mixedFleet() throws {
        let estimate = ClusteredEstimate(Self.sums(Self.mixedFleet))
        // python3 from the per-workspace list: see the script above.
        #expect(Self.isClose(estimate.sums.summary.score, 100 * 9 / 49.0, within: 1e-12))
        #expect(Self.isClose(estimate.clusteredVariance, 0.026714712268472055, within: 1e-12))
        #expect(Self.isClose(estimate.designEffect, 1.7776080597672446))
        #expect(Self.isClose(estimate.standardError, 16.344635899423412))
        #expect(Self.isClose(estimate.effectiveVotes, 27.565131543348162))
        let interval = try #require(estimate.interval())
        #expect(Self.isClose(interval.lowerBound, -13.236226974961053))
        #expect(Self.isClose(interval.upperBound, 47.85161159034567))
    }

    @Test("no clustered interval from one workspace or without spread; deff below 1 is kept")
    func degenerateClusters() {
        let one = ClusteredEstimate(Self.sums([Workspace(votes: 9, promoters: 4, detractors: 2)]))
        #expect(one.clusteredVariance == nil)
        #expect(one.designEffect == nil)
        #expect(one.interval() == nil)
        #expect(ClusteredEstimate(.zero).interval() == nil)
        #expect(ClusteredEstimate(.zero).sums.summary.score == nil)

        // Every vote a promoter: no spread at all, so no ratio to scale by.
        let unanimous = ClusteredEstimate(
            Self.sums([
                Workspace(votes: 4, promoters: 4, detractors: 0), Workspace(votes: 2, promoters: 2, detractors: 0),
            ]))
        #expect(unanimous.clusteredVariance == 0)
        #expect(unanimous.designEffect == nil)
        #expect(unanimous.interval() == nil)

        // Two workspaces of one promoter and one detractor each: the workspaces agree
        // exactly (yᵢ = r·nᵢ), V_cl = 0 while V_srs = 1/3, so deff is 0, not 1.
        let agreeing = ClusteredEstimate(
            Self.sums(Array(repeating: Workspace(votes: 2, promoters: 1, detractors: 1), count: 2)))
        #expect(agreeing.designEffect == 0)
        #expect(agreeing.effectiveVotes == nil)
        #expect(agreeing.interval() == 0...0)
    }

    @Test("segment of one workspace against a clustered rest: Δ, SE, z and p by hand")
    func segmentComparison() throws {
        let segment = Self.sums([Workspace(votes: 10, promoters: 6, detractors: 2)])
        let rest = Self.sums([
            Workspace(votes: 8, promoters: 3, detractors: 3),
            Workspace(votes: 6, promoters: 1, detractors: 4),
            Workspace(votes: 5, promoters: 4, detractors: 0),
        ])
        let comparison = try #require(NPSDifference(clustered: segment, against: (segment + rest) - segment))
        // Segment: one workspace, so v/n = (0.6 + 0.2 − 0.4²) / 10 = 0.064.
        // Rest: N 19, r = 1/19, residuals yᵢ − r·nᵢ = −8/19, −63/19, 71/19:
        // V_cl = 3/2 · (64 + 3969 + 5041) / 19⁴ = 13611 / 130321 = 0.10444210833250205.
        // Δ = 40 − 100/19 = 34.73684210526316; SE = 100·√(0.064 + 0.104442…) = 41.04169932306678;
        // z = 0.8463792357091782; p = erfc(z/√2) = 0.39734121822428004 (python3).
        #expect(Self.isClose(comparison.delta, 34.73684210526316))
        #expect(Self.isClose(comparison.standardError, 41.04169932306678))
        #expect(Self.isClose(comparison.z, 0.8463792357091782))
        #expect(Self.isClose(comparison.pValue, 0.39734121822428004))
        #expect(Self.isClose(comparison.interval().lowerBound, -45.70341043226964))
        #expect(Self.isClose(comparison.interval().upperBound, 115.17709464279596))

        let reversed = try #require(NPSDifference(clustered: rest, against: segment))
        #expect(Self.isClose(reversed.delta, -34.73684210526316))
        #expect(reversed.pValue == comparison.pValue)
        #expect(NPSDifference(clustered: segment, against: .zero) == nil)
        #expect(NPSDifference(clustered: .zero, against: rest) == nil)
    }

    @Test("Benjamini–Hochberg: the worked example keeps the input order and the nils")
    func benjaminiHochberg() {
        // m = 5 (the nil is not a test). Sorted: 0.005, 0.01, 0.03, 0.04, 0.5;
        // m·p/rank: 0.025, 0.025, 0.05, 0.05, 0.5; the step-up min changes none of them.
        let q = FalseDiscoveryRate.benjaminiHochberg([0.01, 0.04, 0.03, 0.005, nil, 0.5])
        let expected: [Double?] = [0.025, 0.05, 0.05, 0.025, nil, 0.5]
        #expect(q.count == expected.count)
        for (actual, wanted) in zip(q, expected) {
            if let wanted {
                #expect(Self.isClose(actual, wanted, within: 1e-15))
            } else {
                #expect(actual == nil)
            }
        }
        // 3·0.04/2 = 0.06 is above 3·0.045/3 = 0.045, so the step-up min lowers it.
        let lowered = FalseDiscoveryRate.benjaminiHochberg([0.045, 0.04, 0.001])
        #expect(Self.isClose(lowered[1], 0.045, within: 1e-15))
        #expect(Self.isClose(lowered[0], 0.045, within: 1e-15))
        #expect(Self.isClose(lowered[2], 0.003, within: 1e-15))
    }

    @Test("Benjamini–Hochberg: ties, order, bounds and empty input")
    func benjaminiHochbergProperties() throws {
        // Equal p get the same q whichever of them sorts first.
        let tied = FalseDiscoveryRate.benjaminiHochberg([0.02, 0.001, 0.02, 0.02])
        #expect(tied[0] == tied[2] && tied[2] == tied[3])
        #expect(Self.isClose(tied[0], 0.02 * 4 / 4, within: 1e-15))
        #expect(Self.isClose(tied[1], 0.001 * 4 / 1, within: 1e-15))
        #expect(FalseDiscoveryRate.benjaminiHochberg([1, 1, 0.9]) == [1, 1, 1])
        #expect(FalseDiscoveryRate.benjaminiHochberg([]) == [])
        #expect(FalseDiscoveryRate.benjaminiHochberg([nil, nil]) == [nil, nil])
        #expect(FalseDiscoveryRate.benjaminiHochberg([0.3]) == [0.3])

        let p: [Double] = [0.8, 0.001, 0.2, 0.049, 0.05, 0.0001, 0.6, 0.03, 0.03, 0.99]
        let q = try FalseDiscoveryRate.benjaminiHochberg(p).map { try #require($0) }
        for i in p.indices {
            #expect(q[i] >= p[i] && q[i] <= 1)
            for j in p.indices where p[i] < p[j] {
                #expect(q[i] <= q[j], "q follows p: \(p[i]) < \(p[j])")
            }
        }
    }

    @Test("interval plan: votes and workspaces for ±10 points")
    func intervalPlan() throws {
        // Mixed fleet: v = 0.7213660974593918, n* = ⌈1.96² · v · 10⁴ / 10² − 3⌉ = 275,
        // N* = ⌈275 · 1.7776080597672446⌉ = ⌈488.84⌉ = 489, b̄ = 49/5, workspaces ⌈489 · 5/49⌉ = ⌈49.9⌉ = 50.
        let plan = try #require(IntervalPlan(sums: Self.sums(Self.mixedFleet), workspaces: 5, margin: 10))
        #expect(Self.isClose(plan.designEffect, 1.7776080597672446))
        #expect(plan.votesNeeded == 489)
        #expect(plan.additionalVotes == 440)
        #expect(plan.workspacesNeeded == 50)
        #expect(plan.additionalWorkspaces == 45)

        // Nothing yet: v = 1, deff = 1, b̄ = 1: the unclustered 382 votes, one per workspace.
        // A withheld campaign plans the same way from its counts alone.
        let countsOnly = try #require(
            IntervalPlan(sums: Self.sums(Self.mixedFleet), workspaces: 5, margin: 10, knowsScores: false))
        #expect(countsOnly.designEffect == 1 && countsOnly.votesNeeded == 382 && countsOnly.workspacesNeeded == 39)
        let fresh = try #require(IntervalPlan(sums: .zero, workspaces: 0, margin: 10))
        #expect(fresh.designEffect == 1)
        #expect(fresh.votesNeeded == 382 && fresh.additionalVotes == 382)
        #expect(fresh.workspacesNeeded == 382 && fresh.additionalWorkspaces == 382)

        // deff 0 is floored to 1: v = 1, 382 votes, b̄ = 2 so 191 workspaces.
        let agreeing = Self.sums(Array(repeating: Workspace(votes: 2, promoters: 1, detractors: 1), count: 2))
        let floored = try #require(IntervalPlan(sums: agreeing, workspaces: 2, margin: 10))
        #expect(floored.designEffect == 1)
        #expect(floored.votesNeeded == 382 && floored.additionalVotes == 378)
        #expect(floored.workspacesNeeded == 191 && floored.additionalWorkspaces == 189)

        // A margin already met needs nothing more; an invalid margin has no plan.
        let met = try #require(IntervalPlan(sums: Self.sums(Self.mixedFleet), workspaces: 5, margin: 90))
        #expect(met.additionalVotes == 0 && met.additionalWorkspaces == 0)
        #expect(IntervalPlan(sums: .zero, workspaces: 0, margin: 0) == nil)
        #expect(IntervalPlan(sums: .zero, workspaces: 0, margin: .infinity) == nil)
    }
}
