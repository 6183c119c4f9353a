import Foundation
import Hummingbird
import NPSDomain
import Projections

/// `GET /api/v1/campaigns/{id}/breakdown`, its CSV and `…/plan` (analyst or
/// admin token): a campaign by roles or by a segment of its workspaces, each
/// row against the rest of the campaign, and how many more votes would
/// narrow its interval.
struct BreakdownController {
    let reader: ReadModelReader

    func register(on group: RouterGroup<CollectorRequestContext>) {
        group.get("campaigns/{id}/breakdown") { request, context in
            try await reader.conditionally(request) { _ in
                try await reader.read { layer in
                    let parameters = QueryParameters(request)
                    let table = try await Self.table(
                        try context.parameters.require("id"), by: try parameters.choice("by", default: .role), layer)
                    return Self.json(table, confidence: try parameters.confidence, threshold: reader.threshold)
                }
            }
        }
        group.get("campaigns/{id}/breakdown.csv") { request, context in
            try await reader.conditionallyStreamed(request) { _ in
                try await csv(request, id: try context.parameters.require("id"))
            }
        }
        group.get("campaigns/{id}/plan") { request, context in
            try await reader.conditionally(request) { _ in
                try await reader.read { try await plan(request, id: try context.parameters.require("id"), $0) }
            }
        }
    }

    static func table(
        _ id: String, by dimension: BreakdownDimension, _ layer: PrivacyLayer
    ) async throws
        -> BreakdownTable
    {
        let campaign = try await layer.requireCampaign(id)
        guard let segment = dimension.segment else {
            return .roles(try await layer.roleBreakdown(of: campaign), isPublished: campaign.isPublished)
        }
        return .segments(try await layer.segments(of: campaign, by: segment), dimension: dimension)
    }

    static func json(_ table: BreakdownTable, confidence: ConfidenceLevel, threshold: PrivacyThreshold) -> JSONValue {
        let json = FiguresJSON(confidence: confidence)
        let labelKey = table.dimension == .role ? "role" : "segment"
        let rows: [JSONValue] = table.rows.map { row in
            var members = json.figures(row.summary, withheld: row.withheld, threshold: threshold)
            members[labelKey] = row.label.map(JSONValue.string) ?? .null
            if let workspaces = row.workspaces { members["workspaces"] = .number(Double(workspaces)) }
            members["difference"] = difference(row, json: json)
            return .object(members)
        }
        var members: [String: JSONValue] = [
            "campaignId": .string(table.campaignID), "by": .string(table.dimension.rawValue), "rows": .array(rows),
        ]
        if table.dimension != .role {
            var total = json.figures(table.total, withheld: table.totalWithheld, threshold: threshold)
            total["clusters"] = FiguresJSON.number(table.clusters)
            total["clustered"] = clustered(table.clustered, confidence: confidence)
            members["total"] = .object(total)
            members["withheldWorkspaces"] = .object(["votes": FiguresJSON.number(table.withheldVotes)])
            // k is policy, not data (privacy.md): a reader checking the rows needs it to tell which workspaces count.
            members["privacyThreshold"] = .number(Double(threshold.k))
        }
        return .object(members)
    }

    static func difference(_ row: BreakdownTable.Row, json: FiguresJSON) -> JSONValue {
        guard let difference = row.difference else { return .null }
        var members = json.difference(difference)
        members["q"] = FiguresJSON.number(row.q)
        return .object(members)
    }

    /// The workspace-clustered interval beside the adjusted Wald (docs/segments.md).
    static func clustered(_ estimate: ClusteredEstimate?, confidence: ConfidenceLevel) -> JSONValue {
        guard let estimate else { return .null }
        return .object([
            "designEffect": FiguresJSON.number(estimate.designEffect),
            "standardError": FiguresJSON.number(estimate.standardError),
            "effectiveVotes": FiguresJSON.number(estimate.effectiveVotes),
            "ci95": FiguresJSON.interval(estimate.interval(confidence: .ninetyFivePercent)),
            "interval": FiguresJSON.interval(estimate.interval(confidence: confidence), level: confidence.level),
        ])
    }

    /// The rows of the JSON answer, one line each, read in one snapshot before the answer starts (a
    /// breakdown is a few dozen rows).
    func csv(_ request: Request, id: String) async throws -> Response {
        let parameters = QueryParameters(request)
        let confidence = try parameters.confidence
        let dimension: BreakdownDimension = try parameters.choice("by", default: .role)
        let table = try await reader.read { try await Self.table(id, by: dimension, $0) }
        let threshold = reader.threshold
        let header = [
            dimension.rawValue, "workspaces", "votes", "belowThreshold", "withheld", "promoters", "passives",
            "detractors", "nps", "low", "high", "delta", "deltaLow", "deltaHigh", "p", "q",
        ]
        return CSVStream.response(
            filename: "\(ExportsController.safeFilename(id))-breakdown-\(dimension.rawValue).csv", header: header
        ) { stream in
            for row in table.rows {
                try await stream.row(Self.csvFields(row, confidence: confidence, threshold: threshold))
            }
        }
    }

    static func csvFields(
        _ row: BreakdownTable.Row, confidence: ConfidenceLevel, threshold: PrivacyThreshold
    )
        -> [String]
    {
        let shown = !row.withheld
        let interval = shown ? row.summary.interval(confidence: confidence) : nil
        let deltaInterval = row.difference?.interval(confidence: confidence)
        let text = ExportsController.text
        return [
            row.label ?? "", row.workspaces.map(String.init) ?? "", String(row.summary.n),
            String(threshold.isBelow(count: row.summary.n)), String(row.withheld),
            shown ? String(row.summary.promoters) : "", shown ? String(row.summary.passives) : "",
            shown ? String(row.summary.detractors) : "", text(shown ? row.summary.score : nil),
            text(interval?.lowerBound), text(interval?.upperBound), text(row.difference?.delta),
            text(deltaInterval?.lowerBound), text(deltaInterval?.upperBound), text(row.difference?.pValue), text(row.q),
        ]
    }

    /// How many more votes, and workspaces like the ones that voted, would
    /// narrow the campaign's clustered interval to ± `margin` points.
    func plan(_ request: Request, id: String, _ layer: PrivacyLayer) async throws -> JSONValue {
        let parameters = QueryParameters(request)
        let margin = try parameters.margin
        let confidence = try parameters.confidence
        let campaign = try await layer.requireCampaign(id)
        // Any dimension's total is the campaign's clustered sums.
        let sums = try await layer.segments(of: campaign, by: .version).total
        // A withheld campaign plans from counts alone: its variance would tell its scores.
        let workspaces = campaign.overview.votingWorkspaces
        guard
            let plan = IntervalPlan(
                sums: sums, workspaces: workspaces, margin: margin, confidence: confidence,
                knowsScores: campaign.isPublished)
        else {
            throw APIError.badRequest("margin must be a number of points from 0.1 to 100")
        }
        return .object([
            "campaignId": .string(id), "margin": .number(margin), "level": .number(confidence.level),
            "votes": .number(Double(sums.votes)), "workspaces": .number(Double(workspaces)),
            "designEffect": .number(plan.designEffect),
            "votesNeeded": .number(Double(plan.votesNeeded)),
            "workspacesNeeded": .number(Double(plan.workspacesNeeded)),
            "moreVotes": .number(Double(plan.additionalVotes)),
            "moreWorkspaces": .number(Double(plan.additionalWorkspaces)),
        ])
    }
}
