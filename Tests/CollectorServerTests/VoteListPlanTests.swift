import PostgresNIO
import TestSupport
import Testing

/// A page of the vote list reads `vote_keys` in its primary key's order and
/// probes the log once per key it keeps (`listed_votes`), whatever the
/// planner estimates of the score range every page carries: as a join it
/// pushed the range into the log's scan, took it for 83 events, hashed the
/// log and sorted every vote of a campaign of 50,000 for a page of 50
/// (139-490 ms).
@Suite("The vote list's plan")
struct VoteListPlanTests {
    @Test("a page of 50 of 50,000 votes: keys in index order, the log probed per key, nothing hashed or sorted")
    func pageProbesTheLog() async throws {
        try await TestDatabase.with { database in
            try await CSVExportTests.fill(database, campaign: "c1", votes: 50_000)
            try await database.owner.query("ANALYZE", logger: database.logger)
            let rows = try await database.app.query(
                """
                EXPLAIN SELECT identifier, score, roles, comment FROM listed_votes
                 WHERE campaign_id = 'c1' AND score BETWEEN 0 AND 10 ORDER BY workspace_id, identifier LIMIT 51
                """,
                logger: database.logger)
            var plan: [String] = []
            for try await line in rows.decode(String.self) { plan.append(line) }
            let text = plan.joined(separator: "\n")
            #expect(text.contains("Index Scan using vote_keys_pkey"), "\(text)")
            #expect(!text.contains("Hash") && !text.contains("Sort Key: k."), "\(text)")
        }
    }
}
