import Logging
import NPSDomain
import PostgresNIO

/// A campaign's current votes counted per workspace and set of roles: what
/// `Disclosure` decides from, as the votes fold keeps them (`voter_groups`).
public struct VoterGroupQuery: Sendable {
    public let client: any ReadModelSource
    public let logger: Logger

    public init(client: any ReadModelSource, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func groups(of campaignID: String) async throws -> [VoterGroup] {
        let rows = try await client.rows(
            """
            SELECT workspace_id, ARRAY(SELECT jsonb_array_elements_text(roles)), votes
              FROM voter_groups WHERE campaign_id = \(campaignID) AND votes > 0
            """,
            logger: logger
        )
        var groups: [VoterGroup] = []
        for try await (workspaceID, roles, votes) in rows.decode((String, [String], Int64).self) {
            groups.append(VoterGroup(workspaceID: workspaceID, roles: Set(roles), votes: Int(votes)))
        }
        return groups
    }
}
