import EventStore
import Logging
import PostgresNIO

/// A large, deterministic log written fast: the events of each chunk are
/// made by PostgreSQL itself (generate_series) and appended through
/// `append_events`, one call per stream, in one statement and so in one
/// transaction per chunk.
///
/// Vote `n` goes to stream `n % streams` (campaign `<campaignPrefix>c<s / workspaces>`,
/// workspace `<prefix>w<s % workspaces>`), in round `n / streams`. Its voter
/// is its round, except in every `changeEvery`-th round, where it is the
/// round before: a changed vote of a key cast one round earlier, with a
/// different score (and roles drawn again). Scores are 0 to 10, roles drawn
/// from admin, user and owner, every fourth vote has a comment.
///
/// Each chunk also carries other events, so that every projection has work:
/// the first one announces the campaigns and registers two workspaces out of
/// three; every one notifies, shows, and receives results uploads for some
/// (campaign, workspace) pairs, toggles the NPS setting of some workspaces
/// and reports statistics (verified or not) for others.
struct Backlog: Sendable {
    var workspaces = 50
    var campaigns = 2
    /// Put before workspace ids (and event ids), so that writers running at once use streams of their own.
    var prefix = ""
    /// Put before campaign ids; backlogs with the same campaigns announce them again.
    var campaignPrefix = ""
    var changeEvery = 5
    var chunkSize = 5_000

    var streams: Int { workspaces * campaigns }
    /// Event ids are name-based (md5) on this, so that two backlogs never share one.
    var idTag: String { "\(prefix)|\(campaignPrefix)" }

    /// Appends votes `0..<votes` and the other events of their chunks, one
    /// transaction per chunk. Returns the number of events appended.
    @discardableResult
    func append(votes: Int, using client: PostgresClient, logger: Logger) async throws -> Int {
        var appended = 0
        for (chunk, first) in stride(from: 0, to: votes, by: chunkSize).enumerated() {
            let rows = try await client.query(
                query(votes: first..<min(first + chunkSize, votes), chunk: chunk), logger: logger)
            for try await count in rows.decode(Int.self) { appended += count }
        }
        return appended
    }

    /// The same for one chunk on a caller's connection (inside its transaction, if it opened one).
    @discardableResult
    func append(
        votes: Range<Int>, chunk: Int, on connection: PostgresConnection, logger: Logger
    ) async throws -> Int {
        var appended = 0
        let rows = try await connection.query(query(votes: votes, chunk: chunk), logger: logger)
        for try await count in rows.decode(Int.self) { appended += count }
        return appended
    }

    /// The number of distinct vote keys among votes `0..<votes`: every vote
    /// but the changed ones.
    func distinctKeys(votes: Int) -> Int {
        (0..<votes).count { ($0 / streams) % changeEvery != changeEvery - 1 }
    }

    /// One statement: the chunk's events, grouped by stream, each group
    /// appended with `append_events`; answers the number of events written.
    func query(votes: Range<Int>, chunk: Int) -> PostgresQuery {
        precondition(changeEvery >= 2 && workspaces >= 1 && campaigns >= 1)
        let (first, last, w, c, s, every, k) = (
            votes.lowerBound, votes.upperBound - 1, workspaces, campaigns, streams, changeEvery, chunk
        )
        // hashint8 spreads consecutive numbers; shifted to be non-negative before the modulo.
        return """
            WITH numbered AS (
                SELECT n, n % \(s) AS s, n / \(s) AS r FROM generate_series(\(first)::int8, \(last)::int8) AS n
            ),
            votes AS (
                SELECT n, \(campaignPrefix) || 'c' || (s / \(w)) AS campaign, \(prefix) || 'w' || (s % \(w)) AS workspace,
                       CASE WHEN r % \(every) = \(every) - 1 THEN r - 1 ELSE r END AS voter,
                       r % \(every) = \(every) - 1 AS is_change
                  FROM numbered
            ),
            events AS (
                SELECT 'votes/' || campaign || '/' || workspace AS stream, n AS ordinal,
                       md5(\(idTag) || '/vote/' || n)::uuid AS id, 'VoteCast' AS type,
                       jsonb_strip_nulls(jsonb_build_object(
                           'campaignID', campaign, 'workspaceID', workspace,
                           'identifier', md5(campaign || '/' || workspace || '/' || voter) || md5(voter || '/' || workspace),
                           'roles', (ARRAY['["admin"]', '["user"]', '["owner"]', '["admin","user"]',
                                           '["user","owner"]']::jsonb[])[1 + mod(hashint8(n)::int8 + 2147483648, 5)],
                           'score', CASE WHEN is_change
                                         THEN mod(mod(hashint8(n - \(s))::int8 + 2147483648, 11) + 1
                                                  + mod(hashint8(-n)::int8 + 2147483648, 10), 11)
                                         ELSE mod(hashint8(n)::int8 + 2147483648, 11) END,
                           'comment', CASE WHEN n % 4 = 0 THEN 'comment ' || n END)) AS payload
                  FROM votes
                UNION ALL
                SELECT 'campaigns', c, md5(\(idTag) || '/announce/' || c)::uuid, 'CampaignAnnounced',
                       jsonb_build_object('campaignID', \(campaignPrefix) || 'c' || c, 'startAt', '2026-01-01T00:00:00.000Z',
                                          'expireAt', '2026-02-01T00:00:00.000Z', 'roles', '["admin","user"]'::jsonb,
                                          'survey', '{}'::jsonb)
                  FROM generate_series(0, \(c) - 1) AS c WHERE \(k) = 0
                UNION ALL
                SELECT 'workspace/' || \(prefix) || 'w' || w, w, md5(\(idTag) || '/register/' || w)::uuid,
                       'WorkspaceRegistered', jsonb_build_object('workspaceID', \(prefix) || 'w' || w)
                  FROM generate_series(0, \(w) - 1) AS w WHERE \(k) = 0 AND w % 3 <> 0
                UNION ALL
                SELECT CASE t.type WHEN 'ResultsReceived' THEN 'votes/' || \(campaignPrefix) || 'c' || c || '/' ELSE 'workspace/' END
                           || \(prefix) || 'w' || w,
                       c * \(w) + w, md5(\(idTag) || '/' || t.type || '/' || \(k) || '/' || c || '/' || w)::uuid, t.type,
                       CASE t.type
                           WHEN 'ResultsReceived'
                           THEN jsonb_build_object('campaignID', \(campaignPrefix) || 'c' || c, 'workspaceID', \(prefix) || 'w' || w,
                                                   'total', 100 + \(k) * 7 + w, 'items', 50 + w, 'accepted', 45 + w,
                                                   'repeats', 3, 'quarantined', 2)
                           ELSE jsonb_build_object('campaignID', \(campaignPrefix) || 'c' || c, 'workspaceID', \(prefix) || 'w' || w)
                       END
                  FROM generate_series(0, \(c) - 1) AS c
                 CROSS JOIN generate_series(0, \(w) - 1) AS w
                 CROSS JOIN (VALUES ('AdminNotified'), ('SurveyShown'), ('ResultsReceived')) AS t(type)
                 WHERE (c + w + \(k)) % 7 = 0
                UNION ALL
                SELECT 'nps-setting/' || \(prefix) || 'w' || w, w, md5(\(idTag) || '/setting/' || \(k) || '/' || w)::uuid,
                       'SettingToggled',
                       jsonb_build_object('workspaceID', \(prefix) || 'w' || w, 'enabled', (w + \(k)) % 2 = 0,
                                          'source', 'sync')
                  FROM generate_series(0, \(w) - 1) AS w WHERE (w + \(k)) % 5 = 0
                UNION ALL
                SELECT 'statistics/' || \(prefix) || 'w' || w, w,
                       md5(\(idTag) || '/statistics/' || \(k) || '/' || w)::uuid, 'StatisticsReported',
                       jsonb_build_object('workspaceID', \(prefix) || 'w' || w, 'verified', (w + \(k)) % 3 <> 0,
                                          'document', jsonb_build_object(
                                              'activeUsers', 10 + \(k) + w, 'totalUsers', 100 + \(k) + w,
                                              'version', '6.5.0',
                                              'deploy', jsonb_build_object('method', 'docker',
                                                                           'platform', 'selfinstall')))
                  FROM generate_series(0, \(w) - 1) AS w WHERE (w + \(k)) % 4 = 0
            ),
            by_stream AS (
                -- One order for the three arrays: ordinals can tie, event ids cannot.
                SELECT stream, array_agg(id ORDER BY ordinal, id) AS ids, array_agg(type ORDER BY ordinal, id) AS types,
                       array_agg(payload ORDER BY ordinal, id) AS payloads, count(*)::int AS events
                  FROM events GROUP BY stream
            )
            SELECT count(*) FILTER (WHERE NOT appended.is_repeat)
              FROM by_stream
             CROSS JOIN LATERAL append_events(
                   by_stream.stream, NULL, by_stream.ids, by_stream.types,
                   array_fill(1::smallint, ARRAY[by_stream.events]), by_stream.payloads,
                   array_fill('{}'::jsonb, ARRAY[by_stream.events])) AS appended
            """
    }
}
