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

    /// Every group of the campaign, or of some of its workspaces.
    public func groups(of campaignID: String, workspaces: [String]? = nil) async throws -> [VoterGroup] {
        // Roles as JSON text, each distinct set parsed once: a campaign has
        // a handful of role sets and up to hundreds of thousands of groups.
        let rows = try await client.rows(
            """
            SELECT workspace_id, roles::text, votes
              FROM voter_groups
             WHERE campaign_id = \(campaignID) AND votes > 0
               AND (\(workspaces)::text[] IS NULL OR workspace_id = ANY(\(workspaces)::text[]))
            """,
            logger: logger
        )
        var groups: [VoterGroup] = []
        try await Self.decode(rows) { groups.append($0) }
        return groups
    }

    /// Decodes rows of `workspace_id, roles::text, votes`, as every statement
    /// that reads voter groups selects them, in the rows' order.
    static func decode(_ rows: PostgresRowSequence, _ body: (VoterGroup) throws -> Void) async throws {
        var roleSets: [String: Set<String>] = [:]
        for try await (workspaceID, rolesText, votes) in rows.decode((String, String, Int64).self) {
            let roles = try roleSets[rolesText] ?? Self.roleSet(rolesText)
            roleSets[rolesText] = roles
            try body(VoterGroup(workspaceID: workspaceID, roles: roles, votes: Int(votes)))
        }
    }

    /// Names the state of a campaign's voter groups: the same tag, the same
    /// groups. It moves with every fold batch that moved the campaign's
    /// counts (`campaign_voting.batches`), every rebuild or new version of the
    /// votes read model, and every purge; not with batches that moved only
    /// other campaigns, so a rule decided from the groups outlives them.
    public func stateTag(of campaignID: String) async throws -> String {
        let rows = try await client.rows(
            """
            SELECT coalesce((SELECT sum(batches) FROM campaign_voting WHERE campaign_id = \(campaignID)), 0)::text
                   || '/' || coalesce((SELECT string_agg(name || ':' || version || ':' || rebuilds, ',' ORDER BY name)
                                         FROM projections WHERE name LIKE 'votes%'), '')
                   || '/' || (SELECT count(*) FROM event_log_purges)
            """,
            logger: logger
        )
        for try await tag in rows.decode(String.self) { return tag }
        return ""
    }

    /// A role set as the fold stores it: a JSON array of names.
    static func roleSet(_ text: String) throws -> Set<String> {
        guard case .array(let names) = try JSONValue.parse(Array(text.utf8)) else { throw UnreadableRoles(text: text) }
        return Set(
            try names.map { name in
                guard case .string(let role) = name else { throw UnreadableRoles(text: text) }
                return role
            })
    }
}

/// voter_groups holds roles that are not a JSON array of names.
struct UnreadableRoles: Error, CustomStringConvertible {
    var text: String
    var description: String { "voter_groups.roles is not a JSON array of names: \(text)" }
}
