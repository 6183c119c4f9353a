import EventStore
import Logging
import PostgresNIO

/// A backlog of VoteCast events written straight into the log by the owner
/// role (a benchmark's set-up, not the ingest path), in transactions of
/// 100,000 events, for `bench project` and `bench replay`. They have the
/// current shape (version 4: the ids in the stream id, no null comment, empty
/// metadata, and a change says what it replaced), so that the benches
/// measure the log the ingest writes.
///
/// Event i goes to stream i % streams, in round i / streams; its voter is
/// its round, but in every change-every-th round it is the round before: a
/// changed vote, which replaces event i - streams. Events are numbered, so a
/// backlog can be extended.
struct VoteBacklog {
    var workspaces: Int
    var campaigns: Int
    var changeEvery: Int

    var streams: Int { workspaces * campaigns }

    func write(_ events: Range<Int>, owner: PostgresClient, logger: Logger) async throws {
        let streams = streams
        for first in stride(from: events.lowerBound, to: events.upperBound, by: 100_000) {
            let last = min(first + 100_000, events.upperBound) - 1
            try await owner.query(
                """
                INSERT INTO event_log (event_id, stream_id, stream_version, event_type, schema_version, payload)
                SELECT gen_random_uuid(), 'votes/' || v.campaign || '/' || v.workspace, i / \(streams) + 1,
                       'VoteCast', 4,
                       jsonb_strip_nulls(jsonb_build_object(
                           'identifier', md5(v.campaign || v.workspace || v.voter) || md5(v.voter || v.workspace),
                           'roles', \(unescaped: Self.roles("i")),
                           'score', abs(hashint8(i)) % 11,
                           'comment', CASE WHEN i % 3 = 0 THEN 'Search is slow on large rooms' END,
                           'replaces', CASE WHEN v.is_change
                                            THEN jsonb_build_object('score', abs(hashint8(i - \(streams))) % 11,
                                                                    'roles', \(unescaped: Self.roles("i - \(streams)")))
                                       END))
                  FROM generate_series(\(first), \(last)) AS i
                 CROSS JOIN LATERAL (
                       SELECT 'bench-c' || (i % \(streams)) / \(workspaces) AS campaign,
                              'bench-ws-' || (i % \(streams)) % \(workspaces) AS workspace,
                              (CASE WHEN (i / \(streams)) % \(changeEvery) = \(changeEvery - 1)
                                    THEN i / \(streams) - 1 ELSE i / \(streams) END)::text AS voter,
                              \(changeEvery) >= 2 AND (i / \(streams)) % \(changeEvery) = \(changeEvery - 1)
                                  AS is_change) AS v
                """,
                logger: logger
            )
        }
        try await owner.query("VACUUM ANALYZE event_log", logger: logger)
    }

    /// The roles of event `number` (an SQL expression).
    private static func roles(_ number: String) -> String {
        #"CASE WHEN (\#(number)) % 5 = 0 THEN '["admin","user"]'::jsonb ELSE '["user"]'::jsonb END"#
    }

    /// The database's own answer to "how many votes per campaign, workspace
    /// and score", without keeping anything: the baseline a fold is measured against.
    /// A votes stream is one campaign and workspace (`votes/<campaign>/<workspace>`), so
    /// grouping by it is grouping by the two, as the fold does.
    static let groupBySQL = """
        SELECT stream_id, (payload->>'score')::smallint, count(*)
          FROM event_log WHERE event_type = 'VoteCast' GROUP BY 1, 2
        """

    /// The counts, shipped to the client (as `bench project` has timed them).
    static let groupBy = PostgresQuery(unsafeSQL: groupBySQL)

    /// The counts computed, but only their number shipped: with 100,000
    /// workspaces the rows alone would take longer to decode than to count.
    static let groupByComputed = PostgresQuery(unsafeSQL: "SELECT count(*) FROM (\(groupBySQL)) AS counts")
}
