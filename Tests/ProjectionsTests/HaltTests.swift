import EventStore
import Foundation
import Logging
import PostgresNIO
import Projections
import TestSupport
import Testing

/// An event the votes fold cannot apply halts that projection exactly there,
/// the events before it applied and none after, while the other projections
/// go on past it; resuming with the event still in the log halts it again.
@Suite("A halted projection")
struct HaltTests {
    @Test("a malformed VoteCast halts votes at that event; campaigns and workspaces go past it; resume halts again")
    func haltAtMalformedVote() async throws {
        try await TestDatabase.with { database in
            let before = Backlog(workspaces: 10, chunkSize: 1_000)
            try await before.append(votes: 3_000, using: database.app, logger: database.logger)
            let bad = try await Self.appendMalformedVote(database)
            // After it: votes of the bad vote's own workspace (w0) for other campaigns,
            // and events of all kinds from other workspaces.
            let afterInSameWorkspace = Backlog(workspaces: 1, campaignPrefix: "after-", chunkSize: 1_000)
            try await afterInSameWorkspace.append(votes: 1_000, using: database.app, logger: database.logger)
            let afterElsewhere = Backlog(workspaces: 10, prefix: "after-", campaignPrefix: "after-", chunkSize: 1_000)
            try await afterElsewhere.append(votes: 2_000, using: database.app, logger: database.logger)

            // What the votes projection must have reached: the event just before
            // the bad one in the read order, and every event up to it applied.
            let expected = try #require(
                try await database.owner.query(
                    """
                    SELECT e.transaction_id::text, e.position,
                           (SELECT count(*) FROM event_log b
                             WHERE (b.transaction_id, b.position) < (bad.transaction_id, bad.position))
                      FROM event_log bad
                      JOIN LATERAL (SELECT transaction_id, position FROM event_log e
                                     WHERE (e.transaction_id, e.position) < (bad.transaction_id, bad.position)
                                     ORDER BY e.transaction_id DESC, e.position DESC LIMIT 1) e ON true
                     WHERE bad.event_id = \(bad.id)
                    """,
                    logger: database.logger
                ).collect().first?.decode((String, Int64, Int64).self))
            let checkpointBefore = Checkpoint(transactionID: UInt64(expected.0) ?? 0, position: expected.1)
            let eventsBefore = expected.2
            let events = Int64(try await database.eventCount())

            let configuration = ProjectorConfiguration(
                batchSize: 1_000, pollInterval: .milliseconds(200), haltedRecheckInterval: .milliseconds(200))
            try await withProjectorService(database, configuration: configuration) {
                // One votes projection halts (the shard of w0, if votes has shards); every other catches up.
                let polled = try await poll(timeout: .seconds(180), every: .milliseconds(100)) {
                    () -> [String: ProjectionStatus]? in
                    let statuses = try await projectionStatus(database)
                    let halted = statuses.values.filter { $0.error != nil }
                    let othersDone = statuses.values.allSatisfy { $0.error != nil || $0.lag.events == 0 }
                    return !halted.isEmpty && othersDone ? statuses : nil
                }
                let now = try await projectionStatus(database).values.map(\.summary).sorted()
                let statuses = try #require(
                    polled, "votes did not halt, or the other projections did not catch up: \(now)")

                let halted = statuses.values.filter { $0.error != nil }
                try #require(halted.count == 1, "not one projection halted: \(halted.map(\.summary))")
                let votes = halted[0]
                let halt = try #require(votes.error)
                #expect(votesProjections.contains(votes.name), "\(votes.summary)")
                #expect(votes.state == .halted)
                #expect(halt.position == bad.position)
                #expect(halt.eventId == bad.id)
                #expect(halt.reason.contains("SQLSTATE"), "the reason should be the server's: \(halt.reason)")
                #expect(votes.checkpoint == checkpointBefore, "\(votes.summary)")
                #expect(votes.eventsApplied == eventsBefore, "\(votes.summary)")
                #expect(votes.lag.events == events - eventsBefore)

                for status in statuses.values where status.name != votes.name {
                    #expect(status.state == .running, "\(status.summary)")
                    #expect(status.lag.events == 0, "\(status.summary)")
                    #expect(status.eventsApplied == events, "\(status.summary)")
                    #expect(status.checkpoint > checkpointBefore, "\(status.summary)")
                }

                // Every good vote before it is counted, none of its workspace after it.
                let beforeVotes = "campaign_id NOT LIKE 'after-%' AND workspace_id NOT LIKE 'after-%'"
                #expect(
                    try await ReadModels.count("current_votes", in: database, where: beforeVotes)
                        == before.distinctKeys(votes: 3_000))
                #expect(
                    try await ReadModels.count(
                        "current_votes", in: database, where: "campaign_id LIKE 'after-%' AND workspace_id = 'w0'")
                        == 0)
                #expect(try await ReadModels.count("campaign_scores", in: database) > 0)
                // The other read models took in what came after it.
                #expect(
                    try await ReadModels.count(
                        "workspace_campaigns", in: database, where: "campaign_id LIKE 'after-%' AND workspace_id = 'w0'"
                    ) > 0)
                #expect(try await ReadModels.count("campaigns", in: database, where: "campaign_id LIKE 'after-%'") == 2)
                #expect(
                    try await ReadModels.count("workspaces", in: database, where: "workspace_id LIKE 'after-%'") > 0)

                // Resumed with the event still there: it halts again, at the same event.
                let store = ProjectionStore(client: database.app, logger: database.logger)
                #expect(try await store.resume(votes.name))
                let again = try await poll(timeout: .seconds(120), every: .milliseconds(50)) {
                    () -> ProjectionStatus? in
                    guard let status = try await projectionStatus(database)[votes.name],
                        let error = status.error, error.haltedAt != halt.haltedAt
                    else { return nil }
                    return status
                }
                let haltedAgain = try #require(again, "\(votes.name) did not halt again after resume")
                #expect(haltedAgain.state == .halted)
                #expect(haltedAgain.error?.position == bad.position)
                #expect(haltedAgain.error?.eventId == bad.id)
                #expect(haltedAgain.checkpoint == checkpointBefore)
                #expect(haltedAgain.eventsApplied == eventsBefore)
                #expect(
                    try await ReadModels.count("current_votes", in: database, where: beforeVotes)
                        == before.distinctKeys(votes: 3_000))
            }
            try await expectNoOwner(database)
        }
    }

    /// A VoteCast whose score is not a number, appended as the owner role
    /// through `append_events` (the ingest would never write it).
    private static func appendMalformedVote(_ database: TestDatabase) async throws -> (id: UUID, position: Int64) {
        let id = UUID()
        let payload = """
            {"campaignID":"c0","workspaceID":"w0","identifier":"\(String(repeating: "ab", count: 32))",\
            "roles":["user"],"score":"eleven"}
            """
        let rows = try await database.owner.query(
            """
            SELECT log_position FROM append_events(
                'votes/c0/w0', NULL, ARRAY[\(id)]::uuid[], ARRAY['VoteCast'], ARRAY[1::smallint],
                ARRAY[\(payload)::jsonb], ARRAY['{}'::jsonb])
            """,
            logger: database.logger)
        for try await position in rows.decode(Int64.self) { return (id, position) }
        throw TestDatabaseError("the malformed vote was not appended")
    }
}
