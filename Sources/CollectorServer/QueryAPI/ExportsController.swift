import Foundation
import Hummingbird
import NPSDomain
import Projections

/// `GET /api/v1/campaigns/{id}/votes.csv` and `/workspaces.csv` (analyst or
/// admin token): the vote list and the workspace breakdown, whole, as
/// streamed CSV, under the same privacy rule as their JSON pages.
struct ExportsController {
    let reader: ReadModelReader

    func register(on group: RouterGroup<CollectorRequestContext>) {
        group.get("campaigns/{id}/votes.csv") { request, context in
            try await reader.conditionallyStreamed(request) { _ in
                try await votes(request, id: try context.parameters.require("id"))
            }
        }
        group.get("campaigns/{id}/workspaces.csv") { request, context in
            try await reader.conditionallyStreamed(request) { _ in
                try await workspaces(request, id: try context.parameters.require("id"))
            }
        }
    }

    /// The snapshot is taken in the body's writer, so that the disclosure and
    /// the rows streamed under it are one read; the campaign is looked up
    /// first, in a snapshot of its own, for the 404.
    func votes(_ request: Request, id: String) async throws -> Response {
        var filters = try CampaignsController.voteListRequest(QueryParameters(request))
        filters.after = nil
        let query = filters
        _ = try await reader.read { try await $0.requireCampaign(id) }
        let reader = reader
        return CSVStream.response(
            filename: "\(Self.safeFilename(id))-votes.csv",
            header: ["identifier", "workspaceId", "roles", "score", "category", "comment", "time"]
        ) { stream in
            try await reader.read { layer in
                guard let campaign = try await layer.campaign(id) else { return }
                try await layer.votes(of: campaign, query) { vote, _ in
                    try await stream.row([
                        vote.identifier, vote.workspaceID ?? "", vote.roles.joined(separator: ";"), String(vote.score),
                        vote.category?.rawValue ?? "", vote.comment ?? "",
                        vote.changedAt.map(EventJSON.formatTimestamp) ?? "",
                    ])
                }
            }
        }
    }

    func workspaces(_ request: Request, id: String) async throws -> Response {
        let parameters = QueryParameters(request)
        let query = WorkspaceBreakdownRequest(
            sort: try parameters.choice("sort", default: .votes),
            descending: try parameters.choice("order", default: SortOrder.desc) == .desc,
            minVotes: try parameters.minVotes
        )
        let confidence = try parameters.confidence
        _ = try await reader.read { try await $0.requireCampaign(id) }
        let reader = reader
        let threshold = reader.threshold
        return CSVStream.response(
            filename: "\(Self.safeFilename(id))-workspaces.csv",
            header: [
                "workspaceId", "votes", "belowThreshold", "withheld", "promoters", "passives", "detractors", "nps",
                "low", "high", "activeUsers", "responseRate", "reportedTotal", "deliveryCompleteness",
            ]
        ) { stream in
            try await reader.read { layer in
                guard let campaign = try await layer.campaign(id) else { return }
                let disclosure = try await layer.workspaceDisclosure(of: campaign)
                try await layer.workspaces(of: id, query, disclosure: disclosure) { figures, _ in
                    let summary = figures.categories
                    let shown = !figures.isWithheld
                    let interval = shown ? summary.interval(confidence: confidence) : nil
                    try await stream.row([
                        figures.workspaceID, String(figures.votes), String(threshold.isBelow(count: figures.votes)),
                        String(figures.isWithheld), shown ? String(summary.promoters) : "",
                        shown ? String(summary.passives) : "", shown ? String(summary.detractors) : "",
                        Self.text(shown ? summary.score : nil), Self.text(interval?.lowerBound),
                        Self.text(interval?.upperBound), figures.activeUsers.map(String.init) ?? "",
                        Self.text(figures.responseRate), figures.reportedTotal.map(String.init) ?? "",
                        Self.text(figures.deliveryCompleteness),
                    ])
                }
            }
        }
    }

    static func text(_ value: Double?) -> String {
        value.map { "\($0)" } ?? ""
    }

    /// A campaign id as a file name: anything but letters, digits, '-' and '_' becomes '_'.
    static func safeFilename(_ id: String) -> String {
        String(
            id.unicodeScalars.map { scalar in
                scalar.properties.isAlphabetic && scalar.isASCII || ("0"..."9").contains(scalar) || scalar == "-"
                    ? Character(scalar) : "_"
            })
    }
}
