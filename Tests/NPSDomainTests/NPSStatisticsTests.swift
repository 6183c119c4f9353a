import Foundation
import NPSDomain
import Testing

@Suite("NPS arithmetic")
struct NPSStatisticsTests {
    /// The spec compares at two decimals; rounding both sides the same way keeps
    /// the comparison exact instead of tolerance-based.
    static func twoDecimals(_ value: Double) -> Double {
        (value * 100).rounded() / 100
    }

    struct WorkedValue: Sendable, CustomTestStringConvertible {
        var promoters: Int
        var passives: Int
        var detractors: Int
        var score: Double
        var lower: Double
        var upper: Double

        var testDescription: String { "(\(promoters), \(passives), \(detractors))" }

        var summary: NPSSummary {
            NPSSummary(promoters: promoters, passives: passives, detractors: detractors)
        }
    }

    // The table of docs/nps-statistics.md; (0, 0, 7) is clamped from −107.19.
    static let workedValues = [
        WorkedValue(promoters: 50, passives: 33, detractors: 17, score: 33.0, lower: 17.56, upper: 46.52),
        WorkedValue(promoters: 5, passives: 3, detractors: 2, score: 30.0, lower: -19.05, upper: 65.20),
        WorkedValue(promoters: 0, passives: 0, detractors: 7, score: -100.0, lower: -100, upper: -32.81),
        WorkedValue(promoters: 400, passives: 300, detractors: 300, score: 10.0, lower: 4.83, upper: 15.11),
    ]

    @Test("worked values of the spec: score and adjusted-Wald 95 % interval", arguments: workedValues)
    func workedValue(_ row: WorkedValue) throws {
        let score = try #require(row.summary.score)
        let interval = try #require(row.summary.interval())
        #expect(Self.twoDecimals(score) == row.score)
        #expect(Self.twoDecimals(interval.lowerBound) == row.lower)
        #expect(Self.twoDecimals(interval.upperBound) == row.upper)
    }

    @Test("an all-detractor group is clamped to exactly −100, not −107.19")
    func clamped() throws {
        let interval = try #require(NPSSummary(promoters: 0, passives: 0, detractors: 7).interval())
        #expect(interval.lowerBound == -100)
        let allPromoters = try #require(NPSSummary(promoters: 7, passives: 0, detractors: 0).interval())
        #expect(allPromoters.upperBound == 100)
        #expect(Self.twoDecimals(allPromoters.lowerBound) == 32.81)
    }

    @Test("a 90 % interval uses z = 1.645")
    func otherConfidence() throws {
        let level = try #require(ConfidenceLevel(0.90))
        let interval = try #require(NPSSummary(promoters: 50, passives: 33, detractors: 17).interval(confidence: level))
        // 32.0388 ± 1.6449 · 7.3893, worked out independently of this code.
        #expect(Self.twoDecimals(interval.lowerBound) == 19.88)
        #expect(Self.twoDecimals(interval.upperBound) == 44.19)
    }

    @Test("standard error 100 · √(v / n)")
    func standardError() throws {
        let summary = NPSSummary(promoters: 50, passives: 33, detractors: 17)
        // v = 0.5 + 0.17 − 0.33² = 0.5611; SE = 100 · √(0.5611 / 100) = 7.4907.
        #expect(abs(try #require(summary.variance) - 0.5611) < 1e-12)
        #expect(Self.twoDecimals(try #require(summary.standardError)) == 7.49)
        // Unanimous groups have no spread at all.
        #expect(NPSSummary(promoters: 0, passives: 0, detractors: 7).standardError == 0)
    }

    @Test("an empty group has no score, no standard error and no interval, rather than 0")
    func empty() {
        let summary = ScoreDistribution().summary
        #expect(summary.n == 0)
        #expect(summary.score == nil)
        #expect(summary.variance == nil)
        #expect(summary.standardError == nil)
        #expect(summary.interval() == nil)
    }

    @Test("passives count in n but not in the score")
    func passivesDilute() {
        #expect(NPSSummary(promoters: 1, passives: 0, detractors: 0).score == 100)
        #expect(NPSSummary(promoters: 1, passives: 3, detractors: 0).score == 25)
        #expect(NPSSummary(promoters: 0, passives: 4, detractors: 0).score == 0)
    }

    @Test("category boundaries")
    func categories() {
        let cases: [(Int, NPSCategory?)] = [
            (-1, nil), (0, .detractor), (6, .detractor), (7, .passive), (8, .passive),
            (9, .promoter), (10, .promoter), (11, nil),
        ]
        for (score, expected) in cases {
            #expect(NPSCategory(score: score) == expected, "score \(score)")
        }
        for category in NPSCategory.allCases {
            #expect(category.scores.allSatisfy { NPSCategory(score: $0) == category })
        }
    }

    @Test("a distribution counts categories by score and drops invalid scores")
    func distribution() {
        let distribution = ScoreDistribution(scores: [0, 6, 6, 7, 8, 9, 10, 10, -1, 11])
        #expect(distribution.counts == [1, 0, 0, 0, 0, 0, 2, 1, 1, 1, 2])
        #expect(distribution.detractors == 3)
        #expect(distribution.passives == 2)
        #expect(distribution.promoters == 3)
        #expect(distribution.n == 8)
        #expect(distribution.summary == NPSSummary(promoters: 3, passives: 2, detractors: 3))
        #expect(distribution.summary.score == 0)
        #expect(distribution.count(of: 6) == 2)
        #expect(distribution.count(of: 11) == 0)
    }

    @Test("building a distribution from a dictionary, an array or one vote at a time agrees")
    func distributionInitialisers() throws {
        let fromDictionary = ScoreDistribution(countsByScore: [10: 2, 7: 1, 3: 4, 42: 9])
        let fromArray = try #require(ScoreDistribution(counts: [0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 2]))
        let oneByOne = ScoreDistribution().adding(score: 10).adding(score: 10).adding(score: 7).adding(
            score: 3, count: 4)
        #expect(fromDictionary == fromArray)
        #expect(oneByOne == fromArray)
        #expect(ScoreDistribution(counts: Array(repeating: 0, count: 10)) == nil)
        #expect(ScoreDistribution(counts: [0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0]) == nil)
    }

    @Test("merging pools the votes, it does not average the scores")
    func merging() throws {
        let small = ScoreDistribution(countsByScore: [10: 1])
        let large = ScoreDistribution(countsByScore: [0: 3, 8: 6])
        let pooled = small + large
        #expect(pooled.counts == [3, 0, 0, 0, 0, 0, 0, 0, 6, 0, 1])
        // Pooled (1 − 3) / 10 = −20; the mean of +100 and −33.3 would be +33.3.
        #expect(pooled.summary.score == -20)
        #expect(small.summary + large.summary == pooled.summary)
    }

    @Test("a distribution survives JSON, and decoding rejects a malformed one")
    func codable() throws {
        let distribution = ScoreDistribution(countsByScore: [0: 1, 9: 5, 10: 7])
        let data = try JSONEncoder().encode(distribution)
        #expect(try JSONDecoder().decode(ScoreDistribution.self, from: data) == distribution)
        let tooShort = Data(#"{"counts":[1,2,3]}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ScoreDistribution.self, from: tooShort) }
    }

    @Test("difference of (50, 33, 17) against (40, 35, 25): Δ 18, z 1.651, p 0.0987")
    func difference() throws {
        let first = NPSSummary(promoters: 50, passives: 33, detractors: 17)
        let second = NPSSummary(promoters: 40, passives: 35, detractors: 25)
        let difference = try #require(NPSDifference(first, against: second))
        #expect(abs(difference.delta - 18) < 1e-9)
        // SE = 100 · √(0.5611 / 100 + 0.6275 / 100) = 10.9023.
        #expect(Self.twoDecimals(difference.standardError) == 10.90)
        #expect((try #require(difference.z) * 1000).rounded() / 1000 == 1.651)
        #expect((try #require(difference.pValue) * 10000).rounded() / 10000 == 0.0987)
        // 18 ± 1.96 · 10.9023.
        #expect(Self.twoDecimals(difference.interval().lowerBound) == -3.37)
        #expect(Self.twoDecimals(difference.interval().upperBound) == 39.37)

        let reversed = try #require(NPSDifference(second, against: first))
        #expect(abs(reversed.delta + 18) < 1e-9)
        #expect(reversed.pValue == difference.pValue)
    }

    @Test("no difference with an empty group; no z or p when neither group varies")
    func degenerateDifference() throws {
        let some = NPSSummary(promoters: 5, passives: 3, detractors: 2)
        let empty = NPSSummary(promoters: 0, passives: 0, detractors: 0)
        #expect(NPSDifference(some, against: empty) == nil)
        #expect(NPSDifference(empty, against: some) == nil)

        let unanimous = try #require(
            NPSDifference(
                NPSSummary(promoters: 4, passives: 0, detractors: 0),
                against: NPSSummary(promoters: 9, passives: 0, detractors: 0)
            )
        )
        #expect(unanimous.delta == 0)
        #expect(unanimous.standardError == 0)
        #expect(unanimous.z == nil)
        #expect(unanimous.pValue == nil)
    }

    @Test("z from the normal quantile for 95 %, 90 % and 99 %")
    func criticalValues() throws {
        #expect(abs(ConfidenceLevel.ninetyFivePercent.z - 1.959963984540054) < 1e-12)
        #expect(abs(try #require(ConfidenceLevel(0.95)).z - 1.959963984540054) < 1e-12)
        #expect(abs(try #require(ConfidenceLevel(0.90)).z - 1.6448536269514722) < 1e-12)
        #expect(abs(try #require(ConfidenceLevel(0.99)).z - 2.5758293035489004) < 1e-12)
        #expect(ConfidenceLevel(0) == nil)
        #expect(ConfidenceLevel(1) == nil)
        #expect(ConfidenceLevel(.nan) == nil)
    }

    @Test("the quantile inverts Φ, including in both tails")
    func quantileInvertsCDF() {
        for p in [1e-12, 1e-6, 0.001, 0.02, 0.02425, 0.1, 0.5, 0.7, 0.97575, 0.999, 1 - 1e-9] {
            let x = NormalDistribution.quantile(p)
            #expect(abs(NormalDistribution.cdf(x) - p) <= 1e-13 * max(p, 1e-3), "p = \(p)")
        }
        #expect(NormalDistribution.quantile(0.5) == 0)
        #expect(NormalDistribution.quantile(0) == -.infinity)
        #expect(NormalDistribution.quantile(1) == .infinity)
        #expect(NormalDistribution.quantile(1.5).isNaN)
    }

    @Test("sample size for a margin of error")
    func sampleSize() {
        // 1.96² · 1 · 10⁴ / 10² − 3 = 384.15 − 3 = 381.15, rounded up.
        #expect(NPSStatistics.sampleSize(margin: 10, variance: 1) == 382)
        // 1.96² · 0.5611 · 10⁴ / 5² − 3 = 862.18 − 3 = 859.18, rounded up.
        #expect(NPSStatistics.sampleSize(margin: 5, variance: 0.5611) == 860)
        // 1.645² · 1 · 10⁴ / 10² − 3 = 270.55 − 3 = 267.55, rounded up.
        #expect(NPSStatistics.sampleSize(margin: 10, variance: 1, confidence: ConfidenceLevel(0.90)!) == 268)
        // A margin wider than the pseudo-votes alone give needs no votes, not a negative number.
        #expect(NPSStatistics.sampleSize(margin: 100, variance: 0.5) == 0)
        #expect(NPSStatistics.sampleSize(margin: 0, variance: 1) == nil)
        #expect(NPSStatistics.sampleSize(margin: 10, variance: 1.5) == nil)
        #expect(NPSStatistics.sampleSize(margin: 10, variance: -0.1) == nil)
    }

    @Test("largest remainder percentages sum to 100")
    func largestRemainder() {
        #expect(NPSStatistics.largestRemainderPercentages([1, 1, 1]) == [34, 33, 33])
        #expect(NPSStatistics.largestRemainderPercentages([1, 2]) == [33, 67])
        #expect(NPSStatistics.largestRemainderPercentages([50, 33, 17]) == [50, 33, 17])
        // 28.57, 28.57, 42.86: floors sum to 98; .86 gets a point, then the tie of .57s goes to the first.
        #expect(NPSStatistics.largestRemainderPercentages([2, 2, 3]) == [29, 28, 43])
        #expect(NPSStatistics.largestRemainderPercentages([0, 1, 2]) == [0, 33, 67])
        #expect(NPSStatistics.largestRemainderPercentages([0, 0, 0]) == [0, 0, 0])
        #expect(NPSStatistics.largestRemainderPercentages([]) == [])
        for counts in [[1, 1, 1, 1, 1, 1, 1], [3, 3, 3], [997, 1, 1, 1], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5]] {
            let percents = NPSStatistics.largestRemainderPercentages(counts)
            #expect(percents.reduce(0, +) == 100, "\(counts)")
        }
    }

    @Test("privacy threshold: below k is hidden, an empty cell is no data rather than below threshold")
    func privacyThreshold() {
        let threshold = PrivacyThreshold()
        #expect(threshold.k == 5)
        #expect(threshold.isBelow(count: 1))
        #expect(threshold.isBelow(count: 4))
        #expect(!threshold.isBelow(count: 5))
        #expect(!threshold.isBelow(count: 0))
        #expect(threshold.visibility(count: 0) == .noData)
        #expect(threshold.visibility(count: 4) == .belowThreshold)
        #expect(threshold.visibility(count: 5) == .shown)
        #expect(PrivacyThreshold(k: 10).isBelow(count: 9))
    }

    @Test("privacy threshold: withheld cells are two or more and hold k votes together, smallest added first")
    func cellsToWithhold() {
        let threshold = PrivacyThreshold()
        #expect(threshold.cellsToWithhold(["a": 10, "b": 7, "c": 5]).isEmpty)
        #expect(threshold.cellsToWithhold(["a": 10, "b": 7, "c": 2]) == ["b", "c"])
        // Ties on the count go to the smallest key; empty cells are neither hidden nor counted.
        #expect(threshold.cellsToWithhold(["a": 7, "b": 7, "c": 2, "d": 0]) == ["a", "c"])
        // Two small cells hold 3 together: the smallest shown one joins them, so the pool holds 13.
        #expect(threshold.cellsToWithhold(["a": 10, "b": 1, "c": 2]) == ["a", "b", "c"])
        #expect(threshold.cellsToWithhold(["a": 10, "b": 1, "c": 2, "d": 3]) == ["b", "c", "d"])
        #expect(threshold.cellsToWithhold(["a": 3]) == ["a"])
        #expect(threshold.cellsToWithhold([String: Int]()).isEmpty)
        // A cell withheld by another rule counts towards the pool, and needs a second cell beside it.
        #expect(threshold.cellsToWithhold(["a": 10, "b": 8, "c": 6], alsoWithheld: ["a"]) == ["a", "c"])
        #expect(threshold.isSafeRemainder(0) && threshold.isSafeRemainder(5) && !threshold.isSafeRemainder(4))
    }
}
