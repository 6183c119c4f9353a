import EventStore
import PostgresNIO
import Projections
import TestSupport
import Testing

/// A projection folds a batch set-based, so every rule must give the same
/// tables wherever the batches end: the other tests compare a projector's
/// result with a fold in other batches and rely on it.
@Suite("Batch boundaries")
struct BatchBoundaryTests {
    /// One vote of campaign c0 in `workspace`, appended in a transaction of its own.
    static func vote(identifier: String, roles: String, in workspace: String, _ database: TestDatabase) async throws {
        try await database.app.query(
            """
            SELECT append_events(
                       'votes/c0/' || \(workspace), NULL, ARRAY[gen_random_uuid()], ARRAY['VoteCast'],
                       ARRAY[2::smallint],
                       ARRAY[jsonb_build_object('campaignID', 'c0', 'workspaceID', \(workspace)::text,
                                                'identifier', md5(\(identifier)), 'roles', \(roles)::jsonb,
                                                'score', 7)],
                       ARRAY['{}'::jsonb])
            """, logger: database.logger)
    }

    /// A profile of `workspace` saying `version`, as the statistics route records it.
    static func profile(_ workspace: String, version: String, verified: Bool, _ database: TestDatabase) async throws {
        try await database.app.query(
            """
            SELECT append_events(
                       'profile/' || \(workspace), NULL, ARRAY[gen_random_uuid()], ARRAY['WorkspaceProfileChanged'],
                       ARRAY[1::smallint],
                       ARRAY[jsonb_build_object('workspaceID', \(workspace)::text, 'verified', \(verified),
                                                'profile', jsonb_build_object('version', \(version)::text,
                                                                              'activeUsers', 40))],
                       ARRAY['{}'::jsonb])
            """, logger: database.logger)
    }

    @Test("folding in batches of 7 events, or of 50 falling to 7 and growing back while behind, gives those of 10,000")
    func batchSizeDoesNotMatter() async throws {
        try await TestDatabase.with { database in
            // Two sources of events for the same two campaigns, which each announces:
            // every campaign is announced twice, in different transactions.
            for prefix in ["a-", "b-"] {
                try await Backlog(workspaces: 8, prefix: prefix, chunkSize: 100)
                    .append(votes: 600, using: database.app, logger: database.logger)
            }
            // A workspace whose first group, folded alone in batches of 7 (eight events follow it
            // before its second), gains a sibling it never shares a batch with.
            // Its votes count under the profile it had before its first one, whichever batch that
            // fell in; a later profile, and anyone's unverified one, move nothing.
            try await Self.profile("joined", version: "6.1.0", verified: true, database)
            try await Self.vote(identifier: "first", roles: #"["user"]"#, in: "joined", database)
            try await Self.profile("joined", version: "7.0.0", verified: true, database)
            // A workspace whose votes all hold one role set: its one group has no siblings.
            try await Self.profile("lone", version: "5.4.0", verified: false, database)
            try await Self.vote(identifier: "1", roles: #"["user"]"#, in: "lone", database)
            try await Self.vote(identifier: "2", roles: #"["user"]"#, in: "lone", database)
            // c0 announced again to start tomorrow, c1 as started an hour ago, and the survey turned off
            // now where each was notified: opted out of c0 before its start, of c1 while it runs.
            try await database.app.query(
                """
                SELECT append_events(
                           'campaigns', NULL, ARRAY[gen_random_uuid(), gen_random_uuid()],
                           ARRAY['CampaignAnnounced', 'CampaignAnnounced'], ARRAY[1, 1]::smallint[],
                           ARRAY[jsonb_build_object('campaignID', 'c0', 'startAt', now() + interval '1 day',
                                                    'expireAt', now() + interval '30 days', 'roles', '[]'::jsonb),
                                 jsonb_build_object('campaignID', 'c1', 'startAt', now() - interval '1 hour',
                                                    'expireAt', now() + interval '30 days', 'roles', '[]'::jsonb)],
                           ARRAY['{}', '{}']::jsonb[])
                """, logger: database.logger)
            for workspace in ["a-w0", "a-w6", "b-w7"] {
                try await database.app.query(
                    """
                    SELECT append_events(
                               'nps-setting/' || \(workspace), NULL, ARRAY[gen_random_uuid()], ARRAY['SettingToggled'],
                               ARRAY[1::smallint],
                               ARRAY[jsonb_build_object('workspaceID', \(workspace)::text, 'enabled', false,
                                                        'source', 'sync')],
                               ARRAY['{}'::jsonb])
                    """, logger: database.logger)
            }
            try await Self.vote(identifier: "second", roles: #"["admin"]"#, in: "joined", database)
            let small = try await ReadModels.foldFromScratch(database, batchSize: 7)
            let large = try await ReadModels.foldFromScratch(database, batchSize: 10_000)
            // Starts at 50 events, falls to 7 at the first short batch, grows again after a full one.
            let growing = try await ReadModels.foldFromScratch(database, batchSize: 7, catchUpBatchSize: 50)
            #expect(large["current_votes"]?.count == 2 * Backlog(workspaces: 8).distinctKeys(votes: 600) + 4)
            #expect(large["campaigns"]?.count == 2)

            ReadModels.expectEqual(small, large)
            ReadModels.expectEqual(growing, large)

            // The groups the fold keeps are the current votes counted: changed scores and roles move them.
            let counted = try await database.app.query(
                """
                SELECT count(*)::int8 FROM (
                    SELECT campaign_id, workspace_id, roles, votes, promoters, detractors FROM voter_groups
                     WHERE votes <> 0
                    EXCEPT ALL
                    SELECT campaign_id, workspace_id, roles, count(*), count(*) FILTER (WHERE score >= 9),
                           count(*) FILTER (WHERE score <= 6)
                      FROM current_votes GROUP BY 1, 2, 3) AS differing
                """,
                logger: database.logger)
            let missing = try await database.app.query(
                """
                SELECT count(*)::int8 FROM (
                    SELECT campaign_id, workspace_id, roles, count(*), count(*) FILTER (WHERE score >= 9),
                           count(*) FILTER (WHERE score <= 6)
                      FROM current_votes GROUP BY 1, 2, 3
                    EXCEPT ALL
                    SELECT campaign_id, workspace_id, roles, votes, promoters, detractors FROM voter_groups) AS absent
                """,
                logger: database.logger)
            var differences: [Int] = []
            for try await count in counted.decode(Int.self) { differences.append(count) }
            for try await count in missing.decode(Int.self) { differences.append(count) }
            #expect(differences == [0, 0])
            #expect(try await ReadModels.count("voter_groups", in: database, where: "votes > 0") > 8)

            // A group has siblings exactly when its workspace holds another group row, whether the
            // other came in the same batch or in an earlier one (batches of 7 bring both).
            let siblings = try await database.app.query(
                """
                SELECT count(*) FILTER (WHERE has_siblings <> (rows > 1))::int8,
                       count(*) FILTER (WHERE has_siblings)::int8, count(*) FILTER (WHERE NOT has_siblings)::int8
                  FROM (SELECT has_siblings, count(*) OVER (PARTITION BY campaign_id, workspace_id) AS rows
                          FROM voter_groups) AS flagged
                """,
                logger: database.logger)
            for try await (wrong, flagged, alone) in siblings.decode((Int, Int, Int).self) {
                #expect(wrong == 0 && flagged > 8 && alone > 0, "wrong \(wrong), flagged \(flagged), alone \(alone)")
            }

            // Each workspace's votes count under the verified profile before its first one, and the
            // counts per segment are the tallies counted again, with no row left empty.
            let profiles = try await database.app.query(
                """
                SELECT workspace_id, coalesce(version, 'unknown') FROM campaign_workspace_profiles
                 WHERE campaign_id = 'c0' AND workspace_id IN ('joined', 'lone') ORDER BY 1
                """,
                logger: database.logger)
            var versions: [String] = []
            for try await (workspace, version) in profiles.decode((String, String).self) {
                versions.append("\(workspace) \(version)")
            }
            #expect(versions == ["joined 6.1", "lone unknown"])
            let recounted = try await database.app.query(
                """
                WITH recount AS (
                    SELECT t.campaign_id, d.dimension, d.value, t.voters,
                           count(*) AS workspaces, sum(t.promoters) AS promoters, sum(t.detractors) AS detractors,
                           sum((t.promoters - t.detractors) * (t.promoters - t.detractors)) AS net_squares,
                           sum((t.promoters - t.detractors) * t.voters) AS net_times_votes
                      FROM workspace_tallies t
                      JOIN campaign_workspace_profiles a USING (campaign_id, workspace_id)
                     CROSS JOIN LATERAL segment_values(a.version, a.major_version, a.deployment, a.edition,
                                                       a.size_band, a.industry, a.org_size, a.country,
                                                       a.language) AS d
                     WHERE t.voters > 0 GROUP BY 1, 2, 3, 4),
                kept AS (
                    SELECT campaign_id, dimension, value, voters, sum(workspaces) AS workspaces,
                           sum(promoters) AS promoters, sum(detractors) AS detractors,
                           sum(net_squares) AS net_squares, sum(net_times_votes) AS net_times_votes
                      FROM segment_tallies GROUP BY 1, 2, 3, 4)
                SELECT (SELECT count(*) FROM (SELECT * FROM recount EXCEPT ALL SELECT * FROM kept) AS a)::int8,
                       (SELECT count(*) FROM (SELECT * FROM kept EXCEPT ALL SELECT * FROM recount) AS b)::int8,
                       (SELECT count(*) FROM segment_tallies WHERE workspaces = 0)::int8,
                       (SELECT count(*) FROM segment_tallies)::int8
                """,
                logger: database.logger)
            for try await (missing, extra, empty, rows) in recounted.decode((Int, Int, Int, Int).self) {
                #expect(missing == 0 && extra == 0 && empty == 0 && rows > 9, "\(missing) \(extra) \(empty) \(rows)")
            }

            // The funnel's counts the folds keep are the view's, which counts every workspace's rows.
            let funnels = try await database.app.query(
                """
                SELECT concat_ws(' ', f.campaign_id, r.announced, r.notified, r.shown,
                                 r.opted_out_before_start, r.opted_out_during, v.voting, v.reported_voters,
                                 v.reported_total),
                       concat_ws(' ', f.campaign_id, f.announced, f.notified, f.shown,
                                 f.opted_out_before_start, f.opted_out_during, f.voted, f.reported_voters,
                                 f.reported_total)
                  FROM campaign_funnel f
                  JOIN campaign_reach r USING (campaign_id)
                  JOIN (SELECT campaign_id, sum(voting_workspaces) AS voting, sum(reported_voters) AS reported_voters,
                               sum(reported_total) AS reported_total
                          FROM campaign_voting GROUP BY 1) AS v USING (campaign_id)
                 ORDER BY 1
                """, logger: database.logger)
            var compared = 0
            for try await (kept, counted) in funnels.decode((String, String).self) {
                #expect(kept == counted)
                compared += 1
            }
            #expect(compared == 2)
            let optedOut = try await database.app.query(
                "SELECT sum(opted_out_before_start)::int8, sum(opted_out_during)::int8 FROM campaign_reach",
                logger: database.logger)
            for try await (beforeStart, during) in optedOut.decode((Int64, Int64).self) {
                #expect(beforeStart > 0 && during > 0, "\(beforeStart) before the start, \(during) during")
            }
        }
    }
}
