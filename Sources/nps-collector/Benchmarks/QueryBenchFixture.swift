import EventStore
import Logging
import PostgresNIO
import Projections

/// A large campaign written straight into the read models, in the shape the
/// projectors leave them (every count derived from the votes the way
/// `project_votes` folds it, in its two shards): projecting millions of
/// events first would only measure the projectors again. The votes
/// themselves are in the log and in `vote_keys`, as the ingest leaves them,
/// with every projection's checkpoint at the head of the log, because the
/// vote list reads them there (`listed_votes`).
struct QueryBenchFixture {
    static let campaignID = "bench-query"

    var workspaces: Int
    var votes: Int

    func fill(_ owner: PostgresClient, logger: Logger) async throws {
        let campaign = Self.campaignID
        let perWorkspace = max(1, votes / max(1, workspaces))
        let statements: [PostgresQuery] = [
            """
            INSERT INTO campaigns (campaign_id, start_at, expire_at, roles, announced_at)
            VALUES (\(campaign), now() - interval '10 days', now() + interval '4 days', '{}', now() - interval '30 days')
            """,
            """
            INSERT INTO workspaces (workspace_id, registered_at, statistics_reported_at, statistics_verified, version,
                                    total_users, active_users, nps_enabled, setting_changed_at)
            SELECT 'ws-' || w, now() - interval '60 days', now() - interval '1 day', true, '7.0.0',
                   100 + w % 900, 50 + w % 400, w % 50 <> 0, now() - interval '20 days'
              FROM generate_series(0, \(workspaces - 1)) AS w
            """,
            """
            INSERT INTO workspace_campaigns (campaign_id, workspace_id, notified_at, shown_at, reported_total, uploads,
                                             items_received, opted_out_before_start)
            SELECT \(campaign), 'ws-' || w, now() - interval '25 days', now() - interval '9 days',
                   \(perWorkspace) + w % 3, 1, \(perWorkspace), w % 50 = 0
              FROM generate_series(0, \(workspaces - 1)) AS w
            """,
            // The votes, staged in a table shaped like current_votes, from which the counts are derived.
            "CREATE TABLE bench_votes (LIKE current_votes INCLUDING ALL)",
            """
            INSERT INTO bench_votes (campaign_id, workspace_id, identifier, score, roles, comment, first_cast_at,
                                     changed_at)
            SELECT \(campaign), 'ws-' || (i % \(workspaces)), lpad(to_hex(i), 64, '0'),
                   ((i / \(workspaces)) % 11 + (i % \(workspaces)) % 4)::smallint % 11,
                   CASE WHEN i % 10 = 0 THEN '["user", "admin"]' WHEN i % 37 = 0 THEN '["moderator"]'
                        ELSE '["user"]' END::jsonb,
                   CASE WHEN i % 7 = 0 THEN 'comment ' || i END,
                   now() - interval '5 days', now() - interval '5 days'
              FROM generate_series(0, \(votes - 1)) AS i
            """,
            """
            INSERT INTO voter_groups (campaign_id, workspace_id, roles, votes, promoters, detractors, has_siblings)
            SELECT campaign_id, workspace_id, roles, count(*), count(*) FILTER (WHERE score >= 9),
                   count(*) FILTER (WHERE score <= 6), count(*) OVER (PARTITION BY campaign_id, workspace_id) > 1
              FROM bench_votes GROUP BY 1, 2, 3
            """,
            """
            INSERT INTO campaign_scores (campaign_id, shard, score, votes)
            SELECT campaign_id, (hashtext(workspace_id) & 2147483647) % 2, score, count(*)
              FROM bench_votes GROUP BY 1, 2, 3
            """,
            """
            INSERT INTO campaign_role_scores (campaign_id, role, shard, score, votes)
            SELECT campaign_id, role, (hashtext(workspace_id) & 2147483647) % 2, score, count(*)
              FROM bench_votes, jsonb_array_elements_text(roles) AS role GROUP BY 1, 2, 3, 4
            """,
            """
            INSERT INTO campaign_daily_scores (campaign_id, day, shard, score, change)
            SELECT campaign_id, (now() - interval '5 days')::date, shard, score, votes FROM campaign_scores
            """,
            // The workspaces whose setting is off turned it off after the notice, before the start
            // (opted_out_before_start above).
            """
            INSERT INTO setting_changes (workspace_id, position, changed_at, enabled, source)
            SELECT 'ws-' || w, w, now() - interval '20 days', false, 'admin'
              FROM generate_series(0, \(workspaces - 1)) AS w WHERE w % 50 = 0
            """,
            """
            INSERT INTO campaign_reach (campaign_id, announced, notified, shown, opted_out_before_start)
            SELECT campaign_id, count(*), count(notified_at), count(shown_at),
                   count(*) FILTER (WHERE opted_out_before_start)
              FROM workspace_campaigns GROUP BY 1
            """,
            """
            INSERT INTO workspace_tallies (campaign_id, workspace_id, voters, promoters, detractors, reported_total)
            SELECT wc.campaign_id, wc.workspace_id, coalesce(g.voters, 0), coalesce(g.promoters, 0),
                   coalesce(g.detractors, 0), wc.reported_total
              FROM workspace_campaigns wc
              LEFT JOIN (SELECT campaign_id, workspace_id, sum(votes) AS voters, sum(promoters) AS promoters,
                                sum(detractors) AS detractors
                           FROM voter_groups GROUP BY 1, 2) AS g
                ON g.campaign_id = wc.campaign_id AND g.workspace_id = wc.workspace_id
            """,
            """
            INSERT INTO campaign_voting (campaign_id, shard, voting_workspaces, reported_voters, reported_total)
            SELECT campaign_id, (hashtext(workspace_id) & 2147483647) % 2, count(*) FILTER (WHERE voters > 0),
                   coalesce(sum(voters) FILTER (WHERE reported_total > 0), 0),
                   coalesce(sum(reported_total) FILTER (WHERE reported_total > 0), 0)
              FROM workspace_tallies
             GROUP BY 1, 2
            """,
            // Each vote as the ingest writes a new key: a version 4 VoteCast in its workspace's stream
            // (sequential event ids, as time-ordered ones are), and its key.
            """
            INSERT INTO event_log (event_id, stream_id, stream_version, event_type, schema_version, payload,
                                   recorded_at)
            SELECT lpad(to_hex(row_number() OVER (ORDER BY workspace_id, identifier)), 32, '0')::uuid,
                   'votes/' || campaign_id || '/' || workspace_id,
                   row_number() OVER (PARTITION BY workspace_id ORDER BY identifier), 'VoteCast', 4,
                   jsonb_strip_nulls(jsonb_build_object('identifier', identifier, 'roles', roles, 'score', score,
                                                        'comment', comment)),
                   changed_at
              FROM bench_votes
            """,
            """
            INSERT INTO vote_keys (campaign_id, workspace_id, identifier, fingerprint, event_id)
            SELECT split_part(stream_id, '/', 2), split_part(stream_id, '/', 3), payload->>'identifier', event_id,
                   event_id
              FROM event_log WHERE event_type = 'VoteCast'
            """,
            "DROP TABLE bench_votes",
            // Each workspace's profile in the campaign, and the counts per segment the votes fold
            // keeps from it and the tallies (as 0102 back-fills them).
            """
            INSERT INTO campaign_workspace_profiles
                   (campaign_id, workspace_id, version, major_version, deployment, edition, size_band, industry,
                    org_size, country, language)
            SELECT \(campaign), 'ws-' || w, (3 + w % 6) || '.' || (w % 12), (3 + w % 6)::text,
                   (ARRAY['docker/selfinstall', 'snap/selfinstall', 'helm/kubernetes'])[1 + w % 3],
                   CASE WHEN w % 7 = 0 THEN 'enterprise' ELSE 'community' END,
                   (ARRAY['11-50', '51-250', '251-1000'])[1 + w % 3], 'industry-' || w % 20, 'size-' || w % 5,
                   'country-' || w % 40, 'language-' || w % 8
              FROM generate_series(0, \(workspaces - 1)) AS w
            """,
            """
            INSERT INTO segment_tallies
                   (campaign_id, dimension, value, voters, shard, workspaces, promoters, detractors, net_squares,
                    net_times_votes)
            SELECT t.campaign_id, d.dimension, d.value, t.voters,
                   (hashtext(t.workspace_id) & 2147483647) % 2, count(*), sum(t.promoters), sum(t.detractors),
                   sum((t.promoters - t.detractors) * (t.promoters - t.detractors)),
                   sum((t.promoters - t.detractors) * t.voters)
              FROM workspace_tallies t
              JOIN campaign_workspace_profiles a ON a.campaign_id = t.campaign_id AND a.workspace_id = t.workspace_id
             CROSS JOIN LATERAL segment_values(a.version, a.major_version, a.deployment, a.edition, a.size_band,
                                               a.industry, a.org_size, a.country, a.language) AS d
             WHERE t.voters > 0
             GROUP BY 1, 2, 3, 4, 5
            """,
            "ANALYZE",
        ]
        for statement in statements {
            try await owner.query(statement, logger: logger)
        }
        // Every projection at the head of the log, as after its fold: the ingest phase's projectors
        // then go on from there instead of registering their rows mid-way.
        for projection in ProjectionCatalog.all {
            try await owner.query(
                """
                INSERT INTO projections (name, version, transaction_id, position)
                SELECT \(projection.name), \(projection.version), e.transaction_id, e.position
                  FROM event_log e ORDER BY e.transaction_id DESC, e.position DESC LIMIT 1
                """,
                logger: logger)
        }
    }
}
