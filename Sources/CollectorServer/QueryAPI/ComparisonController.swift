import Hummingbird
import NPSDomain
import Projections

/// `GET /api/v1/compare` and `GET /api/v1/trend` (analyst or admin token):
/// campaigns against each other, whole or narrowed to one workspace or role.
struct ComparisonController {
    let reader: ReadModelReader

    func register(on group: RouterGroup<CollectorRequestContext>) {
        group.get("compare") { request, _ in
            try await reader.conditionally(request) { _ in
                try await reader.read { try await compare(request, $0) }
            }
        }
        group.get("trend") { request, _ in
            try await reader.conditionally(request) { _ in
                try await reader.read { try await trend(request, $0) }
            }
        }
    }

    /// What one side of a comparison is narrowed to.
    enum Scope {
        case campaign
        case workspace(String)
        case role(String)
    }

    /// A campaign's votes within `scope`, and whether the privacy rule withholds them.
    func side(
        _ campaignID: String, _ scope: Scope, _ layer: PrivacyLayer
    ) async throws
        -> (NPSSummary, withheld: Bool)
    {
        switch scope {
        case .campaign:
            let published = try await layer.requireCampaign(campaignID)
            return (published.distribution.summary, !published.isPublished)
        case .workspace(let workspaceID):
            let campaign = try await layer.requireCampaign(campaignID).campaign
            let campaigns = try await layer.campaigns(ofWorkspace: workspaceID)
            guard let cell = campaigns.first(where: { $0.campaignID == campaign.id }) else {
                return (ScoreDistribution().summary, false)
            }
            return (cell.distribution.summary, cell.isWithheld)
        case .role(let role):
            let disclosed = try await layer.requireRoleBreakdown(campaignID)
            let distribution = disclosed.summary.roles[role] ?? ScoreDistribution()
            return (distribution.summary, disclosed.roles.isWithheld(role))
        }
    }

    func compare(_ request: Request, _ layer: PrivacyLayer) async throws -> JSONValue {
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
        let (firstSummary, firstWithheld) = try await side(first, scope, layer)
        let (secondSummary, secondWithheld) = try await side(second, scope, layer)
        var difference: JSONValue = .null
        if !firstWithheld, !secondWithheld, let delta = NPSDifference(firstSummary, against: secondSummary) {
            difference = .object(json.difference(delta))
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

    func trend(_ request: Request, _ layer: PrivacyLayer) async throws -> JSONValue {
        let parameters = QueryParameters(request)
        let confidence = try parameters.confidence
        let json = FiguresJSON(confidence: confidence)
        if let dimension: BreakdownDimension = try parameters.optionalChoice("by") {
            guard let segment = dimension.segment else {
                throw APIError.badRequest("by must be a segment dimension: a role's trend is compare?role=")
            }
            return try await segmentTrend(segment, value: try parameters.required("segment"), json: json, layer)
        }
        guard let workspaceID = try parameters.text("workspace") else {
            return .object([
                "points": .array(
                    try await layer.campaigns().map { published in
                        var members = json.figures(
                            published.distribution.summary, withheld: !published.isPublished,
                            threshold: reader.threshold)
                        members["campaignId"] = .string(published.campaign.id)
                        members["startAt"] = FiguresJSON.time(published.campaign.startAt)
                        return .object(members)
                    })
            ])
        }
        let (_, campaigns) = try await layer.requireWorkspace(workspaceID)
        return .object([
            "workspaceId": .string(workspaceID),
            "points": .array(workspacePoints(campaigns, json: json)),
        ])
    }

    /// One segment in every campaign, in start order, each point against the
    /// one before it (two campaigns are independent samples: the clustered
    /// variances of both sides add, `NPSDifference(clustered:against:)`).
    func segmentTrend(
        _ dimension: SegmentDimension, value: String, json: FiguresJSON, _ layer: PrivacyLayer
    ) async throws -> JSONValue {
        var points: [JSONValue] = []
        var previous: ClusterSums?
        for published in try await layer.campaigns() {
            let breakdown = try await layer.segments(of: published, by: dimension)
            let sums = breakdown.cells.first { $0.value == value }?.sums ?? .zero
            var members = json.figures(sums.summary, withheld: !published.isPublished, threshold: reader.threshold)
            members["campaignId"] = .string(published.campaign.id)
            members["startAt"] = FiguresJSON.time(published.campaign.startAt)
            members["workspaces"] = .number(Double(sums.clusters))
            var change: JSONValue = .null
            if published.isPublished, let previous, let comparison = NPSDifference(clustered: sums, against: previous) {
                change = .object(json.difference(comparison))
            }
            members["change"] = change
            points.append(.object(members))
            previous = published.isPublished ? sums : nil
        }
        return .object([
            "by": .string(dimension.rawValue), "segment": .string(value), "points": .array(points),
        ])
    }

    /// One point per campaign the workspace took part in, in start order.
    func workspacePoints(_ campaigns: [PrivacyLayer.WorkspaceCampaign], json: FiguresJSON) -> [JSONValue] {
        campaigns.map { campaign in
            var members = json.figures(
                campaign.distribution.summary, withheld: campaign.isWithheld, threshold: reader.threshold)
            members["campaignId"] = .string(campaign.campaignID)
            members["startAt"] = FiguresJSON.time(campaign.startAt)
            return .object(members)
        }
    }
}
