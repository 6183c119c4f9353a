import Foundation
import Hummingbird
import NPSDomain
import Projections

/// `GET /api/v1/campaigns...` (analyst or admin token): every campaign, and
/// one campaign's summary, workspaces and votes (its breakdown: `BreakdownController`).
struct CampaignsController {
    let reader: ReadModelReader

    func register(on group: RouterGroup<CollectorRequestContext>) {
        group.get("campaigns") { request, _ in
            try await reader.conditionally(request) { _ in
                try await reader.read { try await campaignList(request, $0) }
            }
        }
        group.get("campaigns/{id}/summary") { request, context in
            try await reader.conditionally(request) { version in
                try await reader.read {
                    try await summary(request, id: try context.parameters.require("id"), at: version, $0)
                }
            }
        }
        group.get("campaigns/{id}/workspaces") { request, context in
            try await reader.conditionally(request) { _ in
                try await reader.read { try await workspaces(request, id: try context.parameters.require("id"), $0) }
            }
        }
        group.get("campaigns/{id}/votes") { request, context in
            try await reader.conditionally(request) { _ in
                try await reader.read { try await votes(request, id: try context.parameters.require("id"), $0) }
            }
        }
    }

    func campaignList(_ request: Request, _ layer: PrivacyLayer) async throws -> JSONValue {
        let json = FiguresJSON(confidence: try QueryParameters(request).confidence)
        let now = reader.clock.now
        return .array(
            try await layer.campaigns().map { published in
                var members = json.figures(
                    published.distribution.summary, withheld: !published.isPublished, threshold: reader.threshold)
                members.merge(Self.campaignFields(published.campaign, now: now)) { _, new in new }
                members["votingWorkspaces"] = .number(Double(published.overview.votingWorkspaces))
                return .object(members)
            })
    }

    static func campaignFields(_ campaign: Campaign, now: Date) -> [String: JSONValue] {
        [
            "campaignId": .string(campaign.id), "startAt": FiguresJSON.time(campaign.startAt),
            "expireAt": FiguresJSON.time(campaign.expireAt), "closedAt": FiguresJSON.time(campaign.closedAt),
            "state": .string(campaign.state(at: now).rawValue),
        ]
    }

    func summary(
        _ request: Request, id: String, at version: ReadModelVersion, _ layer: PrivacyLayer
    ) async throws
        -> JSONValue
    {
        let json = FiguresJSON(confidence: try QueryParameters(request).confidence)
        let published = try await layer.requireCampaign(id)
        let distribution = published.distribution
        let withheld = !published.isPublished
        var members = json.figures(distribution.summary, withheld: withheld, threshold: reader.threshold)
        members["campaignId"] = .string(id)
        members["distribution"] = withheld ? .null : .array(distribution.counts.map { .number(Double($0)) })
        let funnel = try await layer.funnel(of: id)
        members["workspaces"] = .object([
            "announced": .number(Double(funnel.announced)), "notified": .number(Double(funnel.notified)),
            "shown": .number(Double(funnel.shown)), "voted": .number(Double(funnel.voted)),
            "optedOut": .number(Double(funnel.optedOut)),
        ])
        members["deliveryCompleteness"] = FiguresJSON.number(funnel.deliveryCompleteness)
        members["asOf"] = .object([
            "position": .number(Double(version.position)), "time": FiguresJSON.time(version.time),
        ])
        return .object(members)
    }

    func workspaces(_ request: Request, id: String, _ layer: PrivacyLayer) async throws -> JSONValue {
        let parameters = QueryParameters(request)
        let json = FiguresJSON(confidence: try parameters.confidence)
        var query = WorkspaceBreakdownRequest(
            sort: try parameters.choice("sort", default: .votes),
            descending: try parameters.choice("order", default: SortOrder.desc) == .desc,
            minVotes: try parameters.minVotes,
            limit: try parameters.limit + 1
        )
        if let cursor = parameters.string("cursor") {
            query.after = try PageCursor.workspacePosition(cursor, for: query)
        }
        let disclosure = try await layer.workspaceDisclosure(of: try await layer.requireCampaign(id))
        var rows: [JSONValue] = []
        var positions: [WorkspacePosition] = []
        try await layer.workspaces(of: id, query, disclosure: disclosure) { figures, position in
            rows.append(.object(Self.workspaceRow(figures, json: json, threshold: reader.threshold)))
            positions.append(position)
        }
        let pageSize = try parameters.limit
        var nextCursor: JSONValue = .null
        if rows.count > pageSize {
            rows.removeLast()
            nextCursor = .string(PageCursor.workspaces(positions[pageSize - 1], of: query))
        }
        return .object(["campaignId": .string(id), "rows": .array(rows), "nextCursor": nextCursor])
    }

    static func workspaceRow(
        _ figures: WorkspaceFigures, json: FiguresJSON, threshold: PrivacyThreshold
    )
        -> [String: JSONValue]
    {
        var members = json.figures(
            figures.categories, votes: figures.votes, withheld: figures.isWithheld, threshold: threshold)
        members["workspaceId"] = .string(figures.workspaceID)
        members["activeUsers"] = FiguresJSON.number(figures.activeUsers)
        members["reportedTotal"] = FiguresJSON.number(figures.reportedTotal)
        members["responseRate"] = FiguresJSON.number(figures.responseRate)
        members["deliveryCompleteness"] = FiguresJSON.number(figures.deliveryCompleteness)
        return members
    }

    func votes(_ request: Request, id: String, _ layer: PrivacyLayer) async throws -> JSONValue {
        let parameters = QueryParameters(request)
        let pageSize = try parameters.limit
        var query = try Self.voteListRequest(parameters)
        query.limit = pageSize + 1
        let campaign = try await layer.requireCampaign(id)
        var votes: [ListedVote] = []
        var positions: [VotePosition] = []
        try await layer.votes(of: campaign, query) { vote, position in
            votes.append(vote)
            positions.append(position)
        }
        var nextCursor: JSONValue = .null
        if votes.count > pageSize {
            votes.removeLast()
            nextCursor = .string(PageCursor.votes(positions[pageSize - 1]))
        }
        return .object([
            "campaignId": .string(id), "rows": .array(votes.map(Self.voteRow)), "nextCursor": nextCursor,
        ])
    }

    /// The filters of the vote list and its CSV export.
    static func voteListRequest(_ parameters: QueryParameters) throws -> VoteListRequest {
        var query = VoteListRequest(
            category: try parameters.optionalChoice("category"),
            role: try parameters.text("role"),
            hasComment: try parameters.bool("hasComment"),
            text: try parameters.text("q")
        )
        if let cursor = parameters.string("cursor") { query.after = try PageCursor.votePosition(cursor) }
        return query
    }

    static func voteRow(_ vote: ListedVote) -> JSONValue {
        .object([
            "identifier": .string(vote.identifier), "workspaceId": vote.workspaceID.map(JSONValue.string) ?? .null,
            "roles": .array(vote.roles.map(JSONValue.string)), "score": .number(Double(vote.score)),
            "category": vote.category.map { .string($0.rawValue) } ?? .null,
            "comment": vote.comment.map(JSONValue.string) ?? .null, "time": FiguresJSON.time(vote.changedAt),
        ])
    }
}
