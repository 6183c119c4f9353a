import Logging
import NPSDomain
import PostgresNIO

/// What rule 6 needs to know of each role (`RoleDisclosure.Holding`), read
/// without every voter group of the campaign: the roles' votes in the
/// withheld workspaces (found through `workspace_tallies`' index by voters),
/// up to two published workspaces holding each role (found in the primary
/// key's order, so a role most workspaces hold stops at once), and rule 5
/// for a role's only published holder, from that workspace's own groups.
public struct RoleHoldingQuery: Sendable {
    public let client: any ReadModelSource
    public let logger: Logger

    public init(client: any ReadModelSource, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Each role's votes in the withheld workspaces (the pool), under a campaign whose total is published.
    public func rolesInPool(of campaignID: String, workspaces: WorkspaceDisclosure) async throws -> [String: Int] {
        var inPool: [String: Int] = [:]
        let pooled = try await client.rows(
            """
            SELECT role, sum(g.votes)::bigint
              FROM workspace_pool(\(campaignID), \(workspaces.publishedFrom), \(workspaces.complement)::text)
                   AS pool(workspace_id)
              JOIN voter_groups g ON g.campaign_id = \(campaignID) AND g.workspace_id = pool.workspace_id
             CROSS JOIN LATERAL jsonb_array_elements_text(g.roles) AS role
             WHERE g.votes > 0
             GROUP BY role
            """,
            logger: logger
        )
        for try await (role, votes) in pooled.decode((String, Int64).self) { inPool[role] = Int(votes) }
        return inPool
    }

    /// For each of `roles`, under a campaign whose total is published; `inPool` from `rolesInPool`.
    public func holdings(
        of campaignID: String, roles: [String], workspaces: WorkspaceDisclosure, byRuleFour: Set<String>,
        inPool: [String: Int]
    ) async throws -> [String: RoleDisclosure.Holding] {
        let holders = try await publishedHolders(of: campaignID, roles: roles, workspaces: workspaces)
        // Rule 5 for the roles' only published holders outside the pool: their groups in one statement.
        let onlyHolders = Set(
            roles.compactMap { role in
                holders[role]?.count == 1 && inPool[role, default: 0] == 0 ? holders[role]?[0] : nil
            })
        let holderGroups =
            onlyHolders.isEmpty
            ? [:]
            : Dictionary(
                grouping: try await VoterGroupQuery(client: client, logger: logger).groups(
                    of: campaignID, workspaces: onlyHolders.sorted()),
                by: \.workspaceID)
        var holdings: [String: RoleDisclosure.Holding] = [:]
        for role in roles {
            let holders = holders[role, default: []]
            var onlyHolderHidingIt: Int?
            if holders.count == 1, inPool[role, default: 0] == 0, let groups = holderGroups[holders[0]] {
                let shown = Disclosure.recordRoles(
                    ofWorkspace: groups, withheldRoles: byRuleFour, threshold: workspaces.threshold)
                if !shown.contains(role) { onlyHolderHidingIt = groups.reduce(0) { $0 + $1.votes } }
            }
            holdings[role] = RoleDisclosure.Holding(
                inPool: inPool[role, default: 0], publishedHolders: holders.count,
                onlyHolderHidingIt: onlyHolderHidingIt)
        }
        return holdings
    }

    /// The roles of the groups whose workspace holds another group row
    /// (`has_siblings`, kept by the votes fold): the only roles rule 5 can
    /// hide (`RoleRemainderProof.takeIn(rolesThatCanBeHidden:)`). Read as the
    /// distinct role sets of the partial index, one probe each, not a row a
    /// workspace.
    public func rolesThatCanBeHidden(of campaignID: String) async throws -> Set<String> {
        let rows = try await client.rows(
            """
            WITH RECURSIVE role_sets(roles) AS (
                (SELECT roles FROM voter_groups
                  WHERE campaign_id = \(campaignID) AND has_siblings ORDER BY roles LIMIT 1)
                UNION ALL
                SELECT (SELECT g.roles FROM voter_groups g
                         WHERE g.campaign_id = \(campaignID) AND g.has_siblings AND g.roles > role_sets.roles
                         ORDER BY g.roles LIMIT 1)
                  FROM role_sets WHERE role_sets.roles IS NOT NULL
            )
            SELECT DISTINCT role FROM role_sets CROSS JOIN LATERAL jsonb_array_elements_text(role_sets.roles) AS role
            """,
            logger: logger
        )
        var roles: Set<String> = []
        for try await role in rows.decode(String.self) { roles.insert(role) }
        return roles
    }

    /// Published workspaces with a voter group of 1 to k − 1 votes, the only
    /// ones whose records can hide a role (`RoleRemainderProof`), in id order
    /// after `after`, at most `limit` of them, each with its groups. Found in
    /// the primary key's order, so a proof that needs a few stops early.
    public func workspacesThatCanHideRoles(
        of campaignID: String, workspaces: WorkspaceDisclosure, after: String?, limit: Int
    ) async throws -> [(workspaceID: String, groups: [VoterGroup])] {
        let k = Int64(workspaces.threshold.k)
        let rows = try await client.rows(
            """
            SELECT g.workspace_id, g.roles::text, g.votes
              FROM (SELECT DISTINCT s.workspace_id
                      FROM voter_groups s
                     WHERE s.campaign_id = \(campaignID) AND s.votes BETWEEN 1 AND \(k - 1)
                       AND (\(after)::text IS NULL OR s.workspace_id > \(after))
                       AND EXISTS (SELECT FROM workspace_tallies t
                                    WHERE t.campaign_id = s.campaign_id AND t.workspace_id = s.workspace_id
                                      AND workspace_is_published(t.voters, t.workspace_id,
                                                                 \(workspaces.publishedFrom), \(workspaces.complement))
                                   OFFSET 0)
                     ORDER BY s.workspace_id
                     LIMIT \(Int64(limit))) AS candidate
              JOIN voter_groups g ON g.campaign_id = \(campaignID) AND g.workspace_id = candidate.workspace_id
             WHERE g.votes > 0
             ORDER BY g.workspace_id
            """,
            logger: logger
        )
        var found: [(workspaceID: String, groups: [VoterGroup])] = []
        try await VoterGroupQuery.decode(rows) { group in
            if found.last?.workspaceID == group.workspaceID {
                found[found.count - 1].groups.append(group)
            } else {
                found.append((group.workspaceID, [group]))
            }
        }
        return found
    }

    /// The groups of every published workspace holding `role`, which rule 6
    /// for that role is decided from (`Disclosure.workspacesGivingUp`); nil
    /// when more than `limit` published workspaces hold it. Every group of a
    /// holder is read, so whether it is published follows from its votes:
    /// one hash join over the campaign's groups (42–49 ms in `psql` for
    /// 10,000 holders of 100,000 workspaces, where a lookup per holder took
    /// 116–149 ms).
    public func groupsOfPublishedHolders(
        of campaignID: String, role: String, workspaces: WorkspaceDisclosure, limit: Int
    ) async throws -> [VoterGroup]? {
        let rows = try await client.rows(
            """
            SELECT g.workspace_id, g.roles::text, g.votes
              FROM voter_groups g
             WHERE g.campaign_id = \(campaignID) AND g.votes > 0
               AND g.workspace_id IN (SELECT h.workspace_id FROM voter_groups h
                                       WHERE h.campaign_id = \(campaignID) AND h.votes > 0 AND h.roles ? \(role))
            """,
            logger: logger
        )
        var byWorkspace: [String: [VoterGroup]] = [:]
        var isOverLimit = false
        // Read to the end (the snapshot's connection stays in step), kept only up to the limit.
        try await VoterGroupQuery.decode(rows) { group in
            if isOverLimit { return }
            byWorkspace[group.workspaceID, default: []].append(group)
            isOverLimit = byWorkspace.count > limit
        }
        if isOverLimit { return nil }
        var groups: [VoterGroup] = []
        for (workspaceID, own) in byWorkspace
        where workspaces.isPublished(workspaceID, votes: own.reduce(0) { $0 + $1.votes }) {
            groups += own
        }
        return groups
    }

    /// Up to two published workspaces holding each of `roles`, in one statement.
    private func publishedHolders(
        of campaignID: String, roles: [String], workspaces: WorkspaceDisclosure
    ) async throws -> [String: [String]] {
        let rows = try await client.rows(
            """
            SELECT wanted.role, holder.workspace_id
              FROM unnest(\(roles)::text[]) AS wanted(role)
             CROSS JOIN LATERAL (
                   SELECT DISTINCT g.workspace_id
                     FROM voter_groups g
                    WHERE g.campaign_id = \(campaignID) AND g.votes > 0 AND g.roles ? wanted.role
                      AND EXISTS (SELECT FROM workspace_tallies t
                                   WHERE t.campaign_id = g.campaign_id AND t.workspace_id = g.workspace_id
                                     AND workspace_is_published(t.voters, t.workspace_id,
                                                                \(workspaces.publishedFrom), \(workspaces.complement))
                                  -- Looked up for the groups of the role alone, not hashed for every workspace.
                                  OFFSET 0)
                    ORDER BY g.workspace_id
                    LIMIT 2) AS holder
            """,
            logger: logger
        )
        var holders: [String: [String]] = [:]
        for try await (role, workspaceID) in rows.decode((String, String).self) {
            holders[role, default: []].append(workspaceID)
        }
        return holders
    }
}
