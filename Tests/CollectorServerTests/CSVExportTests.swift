import CollectorServer
import EventStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import NPSDomain
import PostgresNIO
import Projections
import TestSupport
import Testing

/// The CSV exports read back by a real CSV parser (Python's `csv` module),
/// and the vote export's memory while it streams a large campaign.
@Suite("CSV exports")
struct CSVExportTests {
    /// Rows of `csv` as Python's csv.reader splits them.
    static func parsed(_ csv: String) async throws -> [[String]] {
        let file = FileManager.default.temporaryDirectory.appending(path: "nps-export-\(UUID().uuidString).csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await parsed(file: file)
    }

    static func parsed(file: URL) async throws -> [[String]] {
        let script = """
            import csv, json, sys
            with open(sys.argv[1], newline="", encoding="utf-8") as f:
                json.dump(list(csv.reader(f, strict=True)), sys.stdout)
            """
        let python = try ChildProcess(executable: "/usr/bin/python3", arguments: ["-c", script, file.path()])
        defer { python.removeLog() }
        guard try await python.exitCode(within: .seconds(300)) == 0 else {
            throw TestDatabaseError("python3 csv failed: \(python.output())")
        }
        return try JSONDecoder().decode([[String]].self, from: Data(python.output().utf8))
    }

    @Test("comments with commas, quotes, newlines and emoji round-trip through a CSV parser")
    func roundTrip() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1")
            let comments = [
                "plain", "a, b, and c", #"she said \"no\""#, #"line one\nline two"#, #"crlf\r\nend"#,
                "🎉 party 👍🏽", #"\"\", ,\n"#,
            ]
            try await collector.expectUpload(
                "c1", "ws1", accepted: comments.count,
                comments.enumerated().map {
                    Votes.item($0.offset, score: 9, roles: ["user", "admin"], comment: $0.element)
                },
                total: comments.count)
            try await ProjectionCatchUp.untilCurrent(collector.database)

            let answer = try await collector.request(
                .get, "/api/v1/campaigns/c1/votes.csv", token: collector.adminToken)
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType] == "text/csv; charset=utf-8; header=present")
            let rows = try await Self.parsed(answer.body)
            #expect(rows.first == ["identifier", "workspaceId", "roles", "score", "category", "comment", "time"])
            let expected = comments.map { comment in
                (try? JSONValue.parse(Array("\"\(comment)\"".utf8)).stringValue) ?? nil
            }
            #expect(rows.dropFirst().map { $0[5] } == expected.map { $0 ?? "" })
            // Sent as ["user", "admin"]: VoteCast 2 keeps roles sorted.
            #expect(rows.dropFirst().allSatisfy { $0.count == 7 && $0[1] == "ws1" && $0[2] == "admin;user" })
            #expect(rows.dropFirst().map { $0[0] } == (0..<comments.count).map(Votes.identifier))
            #expect(answer.body.hasSuffix("\r\n"))

            let workspaces = try await collector.request(
                .get, "/api/v1/campaigns/c1/workspaces.csv", token: collector.adminToken)
            let table = try await Self.parsed(workspaces.body)
            #expect(table.count == 2)
            let row = Dictionary(uniqueKeysWithValues: zip(table[0], table[1]))
            #expect(row["workspaceId"] == "ws1" && row["votes"] == "7" && row["nps"] == "100.0")
            #expect(row["withheld"] == "false" && row["promoters"] == "7")
        }
    }

    @Test("a field a spreadsheet would run as a formula is exported as text; signed numbers stay numbers")
    func formulaInjection() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1")
            // As sent in the upload's JSON; the stored comment is what this decodes to.
            let comments = [
                #"=HYPERLINK(\"http://evil.example\",\"click\")"#, "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A9)",
                #"\t=1"#, #"\r=1"#, "-5", "+7.5", "fine = good", "-",
            ]
            try await collector.expectUpload(
                "c1", "ws1", accepted: comments.count,
                comments.enumerated().map { Votes.item($0.offset, score: 0, roles: ["user"], comment: $0.element) },
                total: comments.count)
            try await ProjectionCatchUp.untilCurrent(collector.database)

            let answer = try await collector.request(
                .get, "/api/v1/campaigns/c1/votes.csv", token: collector.adminToken)
            let exported = try await Self.parsed(answer.body).dropFirst().map { $0[5] }
            let stored = comments.map { try? JSONValue.parse(Array("\"\($0)\"".utf8)).stringValue }
            let neutral: Set<String> = ["-5", "+7.5", "fine = good"]
            #expect(exported == stored.map { $0.map { neutral.contains($0) ? $0 : "'" + $0 } ?? "" })

            let workspaces = try await collector.request(
                .get, "/api/v1/campaigns/c1/workspaces.csv", token: collector.adminToken)
            let table = try await Self.parsed(workspaces.body)
            let row = Dictionary(uniqueKeysWithValues: zip(table[0], table[1]))
            #expect(row["nps"] == "-100.0")
        }
    }

    /// NPS_EXPORT_VOTES votes (default 150,000; docs/benchmarks.md figures with 1,000,000).
    @Test("a large vote export streams in constant memory")
    func constantMemory() async throws {
        let votes = ProcessInfo.processInfo.environment["NPS_EXPORT_VOTES"].flatMap { Int($0) } ?? 150_000
        try await TestDatabase.with { database in
            try await Self.fill(database, campaign: "warm-up", votes: 20_000)
            try await Self.fill(database, campaign: "large", votes: votes)
            let token = try await TokenStore(client: database.app, logger: database.logger).create(scope: .analyst)
                .token
            let server = try await ServerProcess.start(database)
            defer { server.stop() }
            let file = FileManager.default.temporaryDirectory.appending(path: "nps-large-\(UUID().uuidString).csv")
            defer { try? FileManager.default.removeItem(at: file) }

            // The first export warms every pool and cache up; what follows must not grow with the rows.
            #expect(
                try await Curl.status("\(server.baseURL)/api/v1/campaigns/warm-up/votes.csv", token: token, into: file)
                    == 200
            )
            let before = try server.memory()
            let started = ContinuousClock.now
            #expect(
                try await Curl.status("\(server.baseURL)/api/v1/campaigns/large/votes.csv", token: token, into: file)
                    == 200)
            let elapsed = ContinuousClock.now - started
            let after = try server.memory()
            let size = try FileManager.default.attributesOfItem(atPath: file.path())[.size] as? Int ?? 0
            let lines = try await Self.countRows(file)
            print(
                "votes.csv of \(votes) votes: \(size / 1_048_576) MiB in \(elapsed), server peak RSS "
                    + "\(before.peak / 1_048_576) MiB before, \(after.peak / 1_048_576) MiB after")
            #expect(lines == votes + 1)
            #expect(size > 100 * votes)
            #expect(after.peak - before.peak < 16 * 1_048_576, "peak RSS grew with the export")
        }
    }

    static func countRows(_ file: URL) async throws -> Int {
        let script = """
            import csv, sys
            with open(sys.argv[1], newline="", encoding="utf-8") as f:
                print(sum(1 for _ in csv.reader(f, strict=True)))
            """
        let python = try ChildProcess(executable: "/usr/bin/python3", arguments: ["-c", script, file.path()])
        defer { python.removeLog() }
        guard try await python.exitCode(within: .seconds(300)) == 0 else {
            throw TestDatabaseError("python3 csv failed: \(python.output())")
        }
        return Int(python.output().trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Writes `votes` current votes of `campaign` straight into the read
    /// models (1,000 per workspace, every third with a comment that needs
    /// quoting), as the votes projection would have left them, and into the
    /// log and `vote_keys` as the ingest would have, with the votes
    /// projections' checkpoints at the head of the log (the vote list reads
    /// `listed_votes`). Before any projector runs.
    static func fill(_ database: TestDatabase, campaign: String, votes: Int) async throws {
        try await database.owner.query(
            """
            INSERT INTO campaigns (campaign_id, start_at, expire_at, roles, announced_at)
            VALUES (\(campaign), now() - interval '2 days', now() - interval '1 day', '{}', now() - interval '3 days')
            """,
            logger: database.logger)
        try await database.owner.query(
            """
            INSERT INTO current_votes (campaign_id, workspace_id, identifier, score, roles, comment, first_cast_at,
                                       changed_at)
            SELECT \(campaign), 'ws-' || (i / 1000), lpad(to_hex(i), 64, '0'), (i % 11)::smallint, '["user"]',
                   CASE WHEN i % 3 = 0 THEN 'comment ' || i || ', with "quotes"' || chr(10) || 'and 🎉' END,
                   now(), now()
              FROM generate_series(0, \(votes) - 1) AS i
            """,
            logger: database.logger)
        try await database.owner.query(
            """
            INSERT INTO voter_groups (campaign_id, workspace_id, roles, votes, promoters, detractors, has_siblings)
            SELECT campaign_id, workspace_id, roles, count(*), count(*) FILTER (WHERE score >= 9),
                   count(*) FILTER (WHERE score <= 6), count(*) OVER (PARTITION BY campaign_id, workspace_id) > 1
              FROM current_votes WHERE campaign_id = \(campaign) GROUP BY 1, 2, 3
            """,
            logger: database.logger)
        try await database.owner.query(
            """
            INSERT INTO campaign_scores (campaign_id, shard, score, votes)
            SELECT campaign_id, 0, score, count(*) FROM current_votes
             WHERE campaign_id = \(campaign) GROUP BY 1, 3
            """,
            logger: database.logger)
        try await database.owner.query(
            """
            INSERT INTO event_log (event_id, stream_id, stream_version, event_type, schema_version, payload,
                                   recorded_at)
            SELECT gen_random_uuid(), 'votes/' || campaign_id || '/' || workspace_id,
                   row_number() OVER (PARTITION BY workspace_id ORDER BY identifier), 'VoteCast', 4,
                   jsonb_strip_nulls(jsonb_build_object('identifier', identifier, 'roles', roles, 'score', score,
                                                        'comment', comment)),
                   changed_at
              FROM current_votes WHERE campaign_id = \(campaign)
            """,
            logger: database.logger)
        try await database.owner.query(
            """
            INSERT INTO vote_keys (campaign_id, workspace_id, identifier, fingerprint, event_id)
            SELECT split_part(stream_id, '/', 2), split_part(stream_id, '/', 3), payload->>'identifier', event_id,
                   event_id
              FROM event_log WHERE stream_id LIKE 'votes/' || \(campaign) || '/%' AND event_type = 'VoteCast'
            """,
            logger: database.logger)
        try await database.owner.query(
            "DELETE FROM current_votes WHERE campaign_id = \(campaign)", logger: database.logger)
        for projection in ProjectionCatalog.projections(of: "votes") {
            try await database.owner.query(
                """
                INSERT INTO projections (name, version, transaction_id, position)
                SELECT \(projection.name), \(projection.version), e.transaction_id, e.position
                  FROM event_log e ORDER BY e.transaction_id DESC, e.position DESC LIMIT 1
                    ON CONFLICT (name) DO UPDATE
                   SET transaction_id = excluded.transaction_id, position = excluded.position
                """,
                logger: database.logger)
        }
    }
}
