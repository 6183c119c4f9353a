import Logging
import NPSDomain
import PostgresNIO

/// Which workspaces of a campaign have their figures withheld: those below
/// the threshold, and the second cell `PrivacyThreshold.cellsToWithhold`
/// adds when only one is. Every answer about a workspace in a campaign asks
/// here, so that no route shows a cell another route hides.
public struct WorkspaceCellPrivacy: Sendable {
    public let client: PostgresClient
    public let threshold: PrivacyThreshold
    public let logger: Logger

    public init(client: PostgresClient, threshold: PrivacyThreshold, logger: Logger) {
        self.client = client
        self.threshold = threshold
        self.logger = logger
    }

    /// Withheld workspaces of `campaignID` that are not below the threshold
    /// themselves (at most one); a workspace below it is withheld anyway.
    public func alsoWithheld(in campaignID: String) async throws -> [String] {
        // The rule only needs to know whether exactly one cell is below, and
        // the smallest cell shown: two of the first and one of the second.
        let rows = try await client.query(
            """
            (SELECT workspace_id, votes FROM workspace_campaign_categories
              WHERE campaign_id = \(campaignID) AND votes > 0 AND votes < \(threshold.k)
              ORDER BY workspace_id LIMIT 2)
            UNION ALL
            (SELECT workspace_id, votes FROM workspace_campaign_categories
              WHERE campaign_id = \(campaignID) AND votes >= \(threshold.k)
              ORDER BY votes, workspace_id LIMIT 1)
            """,
            logger: logger
        )
        var votes: [String: Int] = [:]
        for try await (workspace, count) in rows.decode((String, Int64).self) { votes[workspace] = Int(count) }
        return threshold.cellsToWithhold(votes).filter { !threshold.isBelow(count: votes[$0] ?? 0) }.sorted()
    }

    /// Whether the figures of `workspaceID` in `campaignID` are withheld.
    public func isWithheld(_ workspaceID: String, votes: Int, in campaignID: String) async throws -> Bool {
        if threshold.isBelow(count: votes) { return true }
        return try await alsoWithheld(in: campaignID).contains(workspaceID)
    }
}
