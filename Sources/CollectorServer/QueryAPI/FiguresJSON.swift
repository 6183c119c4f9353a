import Foundation
import NPSDomain
import Projections

/// The JSON of a group's figures, the one shape every route uses for a
/// campaign, a role, a workspace or a side of a comparison. Full precision:
/// rounding is for display.
struct FiguresJSON {
    let confidence: ConfidenceLevel

    /// `{votes, belowThreshold, withheld}` and, unless withheld, promoters,
    /// passives, detractors, nps, ci95, interval (at the requested level) and
    /// percentages of the three categories summing to 100. `votes` is always
    /// shown: the rule hides scores, not counts.
    func figures(
        _ summary: NPSSummary, votes: Int? = nil, withheld: Bool, threshold: PrivacyThreshold
    )
        -> [String: JSONValue]
    {
        let votes = votes ?? summary.n
        var members: [String: JSONValue] = [
            "votes": .number(Double(votes)),
            "belowThreshold": .bool(threshold.isBelow(count: votes)),
            "withheld": .bool(withheld),
        ]
        guard !withheld else { return members }
        let percentages = NPSStatistics.largestRemainderPercentages([
            summary.promoters, summary.passives, summary.detractors,
        ])
        members["promoters"] = .number(Double(summary.promoters))
        members["passives"] = .number(Double(summary.passives))
        members["detractors"] = .number(Double(summary.detractors))
        members["nps"] = summary.score.map(JSONValue.number) ?? .null
        members["ci95"] = Self.interval(summary.interval())
        members["interval"] = Self.interval(summary.interval(confidence: confidence), level: confidence.level)
        members["percentages"] = .object([
            "promoters": .number(Double(percentages[0])), "passives": .number(Double(percentages[1])),
            "detractors": .number(Double(percentages[2])),
        ])
        return members
    }

    /// One group's NPS less another's, the one shape of every route: Δ, its
    /// standard error, its intervals (95 % and at the requested level), z and p.
    func difference(_ difference: NPSDifference) -> [String: JSONValue] {
        [
            "delta": .number(difference.delta), "standardError": .number(difference.standardError),
            "ci95": Self.interval(difference.interval()),
            "interval": Self.interval(difference.interval(confidence: confidence), level: confidence.level),
            "z": Self.number(difference.z), "p": Self.number(difference.pValue),
        ]
    }

    static func interval(_ range: ClosedRange<Double>?, level: Double? = nil) -> JSONValue {
        guard let range else { return .null }
        var members: [String: JSONValue] = ["low": .number(range.lowerBound), "high": .number(range.upperBound)]
        if let level { members["level"] = .number(level) }
        return .object(members)
    }

    static func time(_ date: Date?) -> JSONValue {
        date.map { .string(EventJSON.formatTimestamp($0)) } ?? .null
    }

    static func number(_ value: Int?) -> JSONValue {
        value.map { .number(Double($0)) } ?? .null
    }

    static func number(_ value: Double?) -> JSONValue {
        value.map(JSONValue.number) ?? .null
    }
}
