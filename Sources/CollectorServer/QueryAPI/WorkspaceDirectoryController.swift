import Hummingbird
import NPSDomain
import Projections

/// `GET /api/v1/workspaces/{id}` (analyst or admin token): a workspace's
/// directory entry, its NPS setting's history and its NPS per campaign.
struct WorkspaceDirectoryController {
    let reader: ReadModelReader
    let comparison: ComparisonController

    func register(on group: RouterGroup<CollectorRequestContext>) {
        group.get("workspaces/{id}") { request, context in
            try await reader.conditionally(request) { _ in
                try await reader.read { try await entry(request, id: try context.parameters.require("id"), $0) }
            }
        }
    }

    func entry(_ request: Request, id: String, _ layer: PrivacyLayer) async throws -> JSONValue {
        let json = FiguresJSON(confidence: try QueryParameters(request).confidence)
        let (entry, campaigns) = try await layer.requireWorkspace(id)
        return .object([
            "workspaceId": .string(entry.workspaceID),
            "registeredAt": FiguresJSON.time(entry.registeredAt),
            "statistics": .object([
                "reportedAt": FiguresJSON.time(entry.statisticsReportedAt),
                "verified": entry.statisticsVerified.map(JSONValue.bool) ?? .null,
                "version": entry.version.map(JSONValue.string) ?? .null,
                "deploymentMethod": entry.deploymentMethod.map(JSONValue.string) ?? .null,
                "deploymentPlatform": entry.deploymentPlatform.map(JSONValue.string) ?? .null,
                "totalUsers": FiguresJSON.number(entry.totalUsers),
                "activeUsers": FiguresJSON.number(entry.activeUsers),
            ]),
            "npsEnabled": entry.npsEnabled.map(JSONValue.bool) ?? .null,
            "settingChangedAt": FiguresJSON.time(entry.settingChangedAt),
            "settingHistory": .array(
                entry.settingChanges.map { change in
                    .object([
                        "changedAt": FiguresJSON.time(change.changedAt), "enabled": .bool(change.enabled),
                        "source": .string(change.source),
                    ])
                }),
            "campaigns": .array(comparison.workspacePoints(campaigns, json: json)),
        ])
    }
}
