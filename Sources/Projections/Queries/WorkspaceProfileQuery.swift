import Foundation
import Logging
import NPSDomain
import PostgresNIO

/// The segments a few workspaces' votes count under in a campaign
/// (`campaign_workspace_profiles`, kept by the votes fold): the labels a
/// table of workspaces shows instead of bare ids. Descriptions, not votes.
public struct WorkspaceProfileQuery: Sendable {
    public let client: any ReadModelSource
    public let logger: Logger

    public init(client: any ReadModelSource, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Each of `workspaceIDs` the campaign's votes fold has met, with its segments.
    public func segments(of workspaceIDs: [String], in campaignID: String) async throws -> [String: WorkspaceSegments] {
        guard !workspaceIDs.isEmpty else { return [:] }
        let rows = try await client.rows(
            """
            SELECT workspace_id, version, size_band, deployment FROM campaign_workspace_profiles
             WHERE campaign_id = \(campaignID) AND workspace_id = ANY(\(workspaceIDs))
            """,
            logger: logger
        )
        var found: [String: WorkspaceSegments] = [:]
        for try await (workspaceID, version, size, deployment) in rows.decode((String, String?, String?, String?).self)
        {
            found[workspaceID] = WorkspaceSegments(version: version, size: size, deployment: deployment)
        }
        return found
    }
}

/// A workspace's version, user-count band and deployment as its segments
/// name them (docs/segments.md).
public struct WorkspaceSegments: Sendable, Equatable {
    public var version: String?
    public var size: String?
    public var deployment: String?

    /// `7.2 · 11-50 users · docker/rocketchat`, the parts known.
    public var label: String? {
        let parts = [version, size.map { "\($0) users" }, deployment].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }
}
