/// How many votes gave each score from 0 to 10. Kept per score rather than per
/// category so a read model can show the full histogram and still derive the NPS.
public struct ScoreDistribution: Sendable, Hashable, Codable {
    public static let scores = 0...10

    /// One count per score, `counts[score]`; always 11 non-negative values.
    public private(set) var counts: [Int]

    public init() {
        counts = Array(repeating: 0, count: Self.scores.count)
    }

    /// Fails unless there are exactly 11 counts, none negative.
    public init?(counts: [Int]) {
        guard counts.count == Self.scores.count, counts.allSatisfy({ $0 >= 0 }) else { return nil }
        self.counts = counts
    }

    /// Scores outside 0...10 are dropped: a vote without a valid score is not part of n.
    public init(countsByScore: [Int: Int]) {
        self.init()
        for (score, count) in countsByScore {
            add(score: score, count: count)
        }
    }

    /// Scores outside 0...10 are dropped: a vote without a valid score is not part of n.
    public init(scores: some Sequence<Int>) {
        self.init()
        for score in scores {
            add(score: score)
        }
    }

    /// Out-of-range scores are ignored for the same reason as in `init(scores:)`.
    public mutating func add(score: Int, count: Int = 1) {
        precondition(count >= 0, "a score cannot be added a negative number of times")
        guard Self.scores.contains(score) else { return }
        counts[score] += count
    }

    public func adding(score: Int, count: Int = 1) -> ScoreDistribution {
        var copy = self
        copy.add(score: score, count: count)
        return copy
    }

    public func count(of score: Int) -> Int {
        Self.scores.contains(score) ? counts[score] : 0
    }

    public func count(of category: NPSCategory) -> Int {
        counts[category.scores].reduce(0, +)
    }

    public var promoters: Int { count(of: .promoter) }
    public var passives: Int { count(of: .passive) }
    public var detractors: Int { count(of: .detractor) }
    public var n: Int { counts.reduce(0, +) }

    public var summary: NPSSummary {
        NPSSummary(promoters: promoters, passives: passives, detractors: detractors)
    }

    /// Pools two sets of votes, e.g. the workspaces of a campaign into its global
    /// figure (which is therefore not the mean of the workspaces' scores).
    public static func + (lhs: ScoreDistribution, rhs: ScoreDistribution) -> ScoreDistribution {
        var sum = lhs
        sum += rhs
        return sum
    }

    public static func += (lhs: inout ScoreDistribution, rhs: ScoreDistribution) {
        for score in scores {
            lhs.counts[score] += rhs.counts[score]
        }
    }

    private enum CodingKeys: String, CodingKey {
        case counts
    }

    // Decoding must not be a way around the 11-non-negative-counts invariant
    // that every computation here relies on.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let counts = try container.decode([Int].self, forKey: .counts)
        guard let valid = ScoreDistribution(counts: counts) else {
            throw DecodingError.dataCorruptedError(
                forKey: .counts,
                in: container,
                debugDescription: "expected 11 non-negative counts, one per score 0...10"
            )
        }
        self = valid
    }
}
