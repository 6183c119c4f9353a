import Hummingbird
import NPSDomain
import Projections

/// `GET /api/v1/compare` and `GET /api/v1/trend` (analyst or admin token):
/// campaigns against each other, whole or narrowed to one workspace or role.
struct ComparisonController {
    let reader: ReadModelReader

    func register(on group: RouterGroup<CollectorRequestContext>) {
        group.get("compare") { request, _ in
            try await reader.conditionally(request) { _ in try await compare(request) }
        }
        group.get("trend") { request, _ in
            try await reader.conditionally(request) { _ in try await trend(request) }
        }
    }

    /// What one side of a comparison is narrowed to.
    enum Scope {
        case campaign
        case workspace(String)
        case role(String)
    }

    /// A campaign's votes within `scope`, and whether the privacy rule withholds them.
    func side(_ campaignID: String, _ scope: Scope) async throws -> (NPSSummary, withheld: Bool) {
        switch scope {
        case .campaign:
            let distribution = try await reader.campaign(campaignID).distribution
            return (distribution.summary, reader.threshold.isBelow(count: distribution.n))
        case .workspace(let workspaceID):
            _ = try await reader.campaign(campaignID)
            let campaigns = try await reader.directory.campaigns(of: workspaceID)
            let distribution = campaigns.first { $0.campaignID == campaignID }?.distribution ?? ScoreDistribution()
            let withheld = try await reader.workspacePrivacy.isWithheld(
                workspaceID, votes: distribution.n, in: campaignID)
            return (distribution.summary, withheld)
        case .role(let role):
            let summary = try await reader.summary(campaignID)
            let distribution = summary.roles[role] ?? ScoreDistribution()
            return (distribution.summary, reader.withheldRoles(of: summary).contains(role))
        }
    }

    func compare(_ request: Request) async throws -> JSONValue {
        let parameters = QueryParameters(request)
        let confidence = try parameters.confidence
        let json = FiguresJSON(confidence: confidence)
        let first = try parameters.required("a")
        let second = try parameters.required("b")
        let workspace = try parameters.text("workspace")
        let role = try parameters.text("role")
        let scope: Scope
        switch (workspace, role) {
        case (let workspace?, nil): scope = .workspace(workspace)
        case (nil, let role?): scope = .role(role)
        case (nil, nil): scope = .campaign
        case (_?, _?): throw APIError.badRequest("give workspace or role, not both")
        }
        let (firstSummary, firstWithheld) = try await side(first, scope)
        let (secondSummary, secondWithheld) = try await side(second, scope)
        var difference: JSONValue = .null
        if !firstWithheld, !secondWithheld, let delta = NPSDifference(firstSummary, against: secondSummary) {
            difference = .object([
                "delta": .number(delta.delta),
                "standardError": .number(delta.standardError),
                "ci95": FiguresJSON.interval(delta.interval()),
                "interval": FiguresJSON.interval(delta.interval(confidence: confidence), level: confidence.level),
                "z": FiguresJSON.number(delta.z),
                "p": FiguresJSON.number(delta.pValue),
            ])
        }
        var a = json.figures(firstSummary, withheld: firstWithheld, threshold: reader.threshold)
        a["campaignId"] = .string(first)
        var b = json.figures(secondSummary, withheld: secondWithheld, threshold: reader.threshold)
        b["campaignId"] = .string(second)
        var members: [String: JSONValue] = ["a": .object(a), "b": .object(b), "difference": difference]
        if let workspace { members["workspaceId"] = .string(workspace) }
        if let role { members["role"] = .string(role) }
        return .object(members)
    }

    func trend(_ request: Request) async throws -> JSONValue {
        let parameters = QueryParameters(request)
        let json = FiguresJSON(confidence: try parameters.confidence)
        guard let workspaceID = try parameters.text("workspace") else {
            return .object([
                "points": .array(
                    try await reader.campaigns.all().map { overview in
                        var members = json.figures(
                            overview.distribution.summary,
                            withheld: reader.threshold.isBelow(count: overview.distribution.n),
                            threshold: reader.threshold)
                        members["campaignId"] = .string(overview.campaign.id)
                        members["startAt"] = FiguresJSON.time(overview.campaign.startAt)
                        return .object(members)
                    })
            ])
        }
        _ = try await reader.workspace(workspaceID)
        return .object([
            "workspaceId": .string(workspaceID),
            "points": .array(try await workspacePoints(workspaceID, json: json)),
        ])
    }

    /// One point per campaign the workspace took part in, in start order.
    func workspacePoints(_ workspaceID: String, json: FiguresJSON) async throws -> [JSONValue] {
        var points: [JSONValue] = []
        for campaign in try await reader.directory.campaigns(of: workspaceID) {
            let withheld = try await reader.workspacePrivacy.isWithheld(
                workspaceID, votes: campaign.distribution.n, in: campaign.campaignID)
            var members = json.figures(campaign.distribution.summary, withheld: withheld, threshold: reader.threshold)
            members["campaignId"] = .string(campaign.campaignID)
            members["startAt"] = FiguresJSON.time(campaign.startAt)
            points.append(.object(members))
        }
        return points
    }
}
