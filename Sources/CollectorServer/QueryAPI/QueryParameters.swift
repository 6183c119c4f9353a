import Foundation
import Hummingbird
import NPSDomain

/// The query parameters of the read routes, each checked against its stated
/// limit (docs/http-api.md, "Limits"); a bad one is a 400 naming it.
struct QueryParameters {
    static let defaultPageSize = 50
    static let pageSizes = 1...500
    static let confidenceLevels = 0.5...0.999
    static let textLength = 1...200
    static let minVotesRange = 0...1_000_000_000

    let request: Request

    init(_ request: Request) {
        self.request = request
    }

    private func value(_ name: String) -> String? {
        request.uri.queryParameters.get(name)
    }

    func string(_ name: String) -> String? {
        value(name)
    }

    /// A text parameter of `textLength` characters when present.
    func text(_ name: String) throws -> String? {
        guard let value = value(name) else { return nil }
        guard !value.unicodeScalars.contains("\u{0}") else {
            throw APIError.badRequest("\(name) cannot contain the NUL character")
        }
        guard Self.textLength.contains(value.unicodeScalars.count) else {
            throw APIError.badRequest(
                "\(name) must be \(Self.textLength.lowerBound) to \(Self.textLength.upperBound) characters long")
        }
        return value
    }

    func required(_ name: String) throws -> String {
        guard let value = try text(name) else { throw APIError.badRequest("the query parameter \(name) is required") }
        return value
    }

    var limit: Int {
        get throws {
            guard let text = value("limit") else { return Self.defaultPageSize }
            guard let limit = Int(text), Self.pageSizes.contains(limit) else {
                throw APIError.badRequest(
                    "limit must be a whole number from \(Self.pageSizes.lowerBound) to \(Self.pageSizes.upperBound)")
            }
            return limit
        }
    }

    var minVotes: Int {
        get throws {
            guard let text = value("minVotes") else { return 0 }
            guard let value = Int(text), Self.minVotesRange.contains(value) else {
                throw APIError.badRequest(
                    "minVotes must be a whole number from \(Self.minVotesRange.lowerBound) to \(Self.minVotesRange.upperBound)"
                )
            }
            return value
        }
    }

    static let margins = 0.1...100.0

    /// `margin` of the planner, in NPS points; required.
    var margin: Double {
        get throws {
            guard let text = value("margin") else {
                throw APIError.badRequest("the query parameter margin is required")
            }
            guard let margin = Double(text), Self.margins.contains(margin) else {
                throw APIError.badRequest(
                    "margin must be a number of points from \(Self.margins.lowerBound) to \(Self.margins.upperBound)")
            }
            return margin
        }
    }

    var confidence: ConfidenceLevel {
        get throws {
            guard let text = value("confidence") else { return .ninetyFivePercent }
            guard let value = Double(text), Self.confidenceLevels.contains(value), let level = ConfidenceLevel(value)
            else {
                throw APIError.badRequest(
                    "confidence must be a number from \(Self.confidenceLevels.lowerBound) to \(Self.confidenceLevels.upperBound), e.g. 0.9"
                )
            }
            return level
        }
    }

    func bool(_ name: String) throws -> Bool? {
        guard let text = value(name) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw APIError.badRequest("\(name) must be true or false")
        }
    }

    /// One of `Choice`'s raw values, or `fallback` when absent.
    func choice<Choice: RawRepresentable & CaseIterable>(_ name: String, default fallback: Choice) throws -> Choice
    where Choice.RawValue == String {
        try optionalChoice(name) ?? fallback
    }

    func optionalChoice<Choice: RawRepresentable & CaseIterable>(_ name: String) throws -> Choice?
    where Choice.RawValue == String {
        guard let text = value(name) else { return nil }
        guard let value = Choice(rawValue: text) else {
            let names = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError.badRequest("\(name) must be one of \(names)")
        }
        return value
    }
}

/// `order` of a sorted list.
enum SortOrder: String, CaseIterable {
    case asc
    case desc
}

/// `by` of the breakdown: roles, or a dimension of the workspaces' profiles (docs/segments.md).
enum BreakdownDimension: String, CaseIterable {
    case role
    case version, major, deployment, edition, size, industry, orgSize, country, language

    /// Nil for `role`: roles part votes, not workspaces.
    var segment: SegmentDimension? { SegmentDimension(rawValue: rawValue) }
}
