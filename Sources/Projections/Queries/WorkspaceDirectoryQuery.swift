import Foundation
import Logging
import NPSDomain
import PostgresNIO

/// A workspace as the directory knows it, with its NPS setting's history and
/// its votes in every campaign it took part in.
public struct WorkspaceEntry: Sendable, Equatable {
    public struct SettingChange: Sendable, Equatable {
        public var changedAt: Date
        public var enabled: Bool
        public var source: String
    }

    public struct CampaignVotes: Sendable, Equatable {
        public var campaignID: String
        public var startAt: Date
        public var distribution: ScoreDistribution
    }

    public var workspaceID: String
    public var registeredAt: Date?
    public var statisticsReportedAt: Date?
    public var statisticsVerified: Bool?
    public var version: String?
    public var deploymentMethod: String?
    public var deploymentPlatform: String?
    public var totalUsers: Int?
    public var activeUsers: Int?
    public var npsEnabled: Bool?
    public var settingChangedAt: Date?
    /// Oldest first.
    public var settingChanges: [SettingChange]
    /// In campaign start order.
    public var campaigns: [CampaignVotes]
}

public struct WorkspaceDirectoryQuery: Sendable {
    public let client: any ReadModelSource
    public let logger: Logger

    public init(client: any ReadModelSource, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Nil for a workspace the directory does not know.
    public func entry(_ workspaceID: String) async throws -> WorkspaceEntry? {
        let rows = try await client.rows(
            """
            SELECT registered_at, statistics_reported_at, statistics_verified, version, deployment_method,
                   deployment_platform, total_users, active_users, nps_enabled, setting_changed_at
              FROM workspaces WHERE workspace_id = \(workspaceID)
            """,
            logger: logger
        )
        var found: WorkspaceEntry?
        for try await row in rows.decode(
            (Date?, Date?, Bool?, String?, String?, String?, Int64?, Int64?, Bool?, Date?).self)
        {
            found = WorkspaceEntry(
                workspaceID: workspaceID, registeredAt: row.0, statisticsReportedAt: row.1, statisticsVerified: row.2,
                version: row.3, deploymentMethod: row.4, deploymentPlatform: row.5, totalUsers: row.6.map(Int.init),
                activeUsers: row.7.map(Int.init), npsEnabled: row.8, settingChangedAt: row.9, settingChanges: [],
                campaigns: [])
        }
        guard var entry = found else { return nil }
        entry.settingChanges = try await settingChanges(of: workspaceID)
        entry.campaigns = try await campaigns(of: workspaceID)
        return entry
    }

    /// The campaigns `workspaceID` took part in (reached or voted), in start
    /// order, each with its current votes per score: counted here, one
    /// workspace's votes through the primary key, rather than kept by the fold.
    public func campaigns(of workspaceID: String) async throws -> [WorkspaceEntry.CampaignVotes] {
        let rows = try await client.rows(
            """
            SELECT c.campaign_id, c.start_at,
                   ARRAY(SELECT count(v.identifier)::int8
                           FROM generate_series(0, 10) AS g(score)
                           LEFT JOIN listed_votes v
                                  ON v.campaign_id = c.campaign_id AND v.workspace_id = \(workspaceID)
                                 AND v.score = g.score
                          GROUP BY g.score ORDER BY g.score)
              FROM campaigns c
             WHERE EXISTS (SELECT 1 FROM workspace_campaigns wc
                            WHERE wc.campaign_id = c.campaign_id AND wc.workspace_id = \(workspaceID))
                OR EXISTS (SELECT 1 FROM listed_votes v
                            WHERE v.campaign_id = c.campaign_id AND v.workspace_id = \(workspaceID))
             ORDER BY c.start_at, c.campaign_id
            """,
            logger: logger
        )
        var campaigns: [WorkspaceEntry.CampaignVotes] = []
        for try await (campaignID, startAt, counts) in rows.decode((String, Date, [Int]).self) {
            campaigns.append(
                .init(
                    campaignID: campaignID, startAt: startAt,
                    distribution: ScoreDistribution(counts: counts) ?? ScoreDistribution()))
        }
        return campaigns
    }

    private func settingChanges(of workspaceID: String) async throws -> [WorkspaceEntry.SettingChange] {
        let rows = try await client.rows(
            """
            SELECT changed_at, enabled, source FROM setting_changes
             WHERE workspace_id = \(workspaceID) ORDER BY position
            """,
            logger: logger
        )
        var changes: [WorkspaceEntry.SettingChange] = []
        for try await (changedAt, enabled, source) in rows.decode((Date, Bool, String).self) {
            changes.append(.init(changedAt: changedAt, enabled: enabled, source: source))
        }
        return changes
    }
}
