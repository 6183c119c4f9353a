import Foundation
import Logging
import NPSDomain
import PostgresNIO

/// What a few workspaces said of themselves by a time (the last row of
/// each in `workspace_profiles` recorded by then): the labels a table of
/// workspaces shows instead of bare ids. Descriptions, not votes.
public struct WorkspaceProfileQuery: Sendable {
    public let client: any ReadModelSource
    public let logger: Logger

    public init(client: any ReadModelSource, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The segments each of `workspaceIDs` had by `time`; a workspace without a profile by then is left out.
    public func segments(of workspaceIDs: [String], asOf time: Date) async throws -> [String: WorkspaceSegments] {
        guard !workspaceIDs.isEmpty else { return [:] }
        let rows = try await client.rows(
            """
            SELECT page.workspace_id, p.version, p.size_band, p.deployment
              FROM unnest(\(workspaceIDs)::text[]) AS page(workspace_id)
              JOIN LATERAL (SELECT version, size_band, deployment FROM workspace_profiles
                             WHERE workspace_id = page.workspace_id AND recorded_at <= \(time)
                             ORDER BY recorded_at DESC, transaction_id DESC, position DESC LIMIT 1) AS p ON true
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
