import Logging
import NPSDomain
import PostgresNIO

/// The counts rule 3 of the privacy rule decides from, read from the votes
/// fold's `workspace_tallies` through its index by voters: the workspaces
/// under k and their votes, and the smallest workspace of k votes or more.
/// Two index range scans, whatever the size of the campaign.
public struct WorkspaceTallyQuery: Sendable {
    public let client: any ReadModelSource
    public let logger: Logger

    public init(client: any ReadModelSource, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func disclosure(
        of campaignID: String, threshold: PrivacyThreshold, isTotalPublished: Bool
    ) async throws -> WorkspaceDisclosure {
        guard isTotalPublished else { return .totalWithheld(threshold: threshold) }
        let k = Int64(threshold.k)
        // Ties in byte order, as Disclosure breaks them, whatever the database's collation.
        let rows = try await client.rows(
            """
            SELECT below.workspaces, below.votes, smallest.workspace_id, smallest.voters
              FROM (SELECT count(*) AS workspaces, coalesce(sum(voters), 0)::bigint AS votes
                      FROM workspace_tallies
                     WHERE campaign_id = \(campaignID) AND voters BETWEEN 1 AND \(k - 1)) AS below
              LEFT JOIN LATERAL (SELECT workspace_id, voters FROM workspace_tallies
                                  WHERE campaign_id = \(campaignID) AND voters >= \(k)
                                  ORDER BY voters, workspace_id COLLATE "C" LIMIT 1) AS smallest ON true
            """,
            logger: logger
        )
        for try await (workspaces, votes, smallestID, smallestVotes) in rows.decode(
            (Int64, Int64, String?, Int64?).self)
        {
            return WorkspaceDisclosure(
                threshold: threshold, isTotalPublished: true, belowThreshold: (Int(workspaces), Int(votes)),
                smallestAtThreshold: smallestID.map { ($0, Int(smallestVotes ?? 0)) })
        }
        return WorkspaceDisclosure(
            threshold: threshold, isTotalPublished: true, belowThreshold: (0, 0), smallestAtThreshold: nil)
    }

    /// The pool: the workspaces `disclosure` withholds that hold votes (`workspace_pool`).
    public func withheldWorkspaces(of campaignID: String, disclosure: WorkspaceDisclosure) async throws -> [String] {
        guard disclosure.isTotalPublished else { return [] }
        let rows = try await client.rows(
            """
            SELECT workspace_id
              FROM workspace_pool(\(campaignID), \(disclosure.publishedFrom), \(disclosure.complement)::text)
                   AS pool(workspace_id)
            """,
            logger: logger
        )
        var withheld: [String] = []
        for try await workspaceID in rows.decode(String.self) { withheld.append(workspaceID) }
        return withheld
    }
}
