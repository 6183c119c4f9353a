import EventStore
import Logging
import PostgresNIO
import Projections
import TestSupport
import Testing

/// Projectors running while writers append in transactions they hold open
/// for a while: positions are handed out at insert and become visible at
/// commit, so a reader that went by position alone would skip the events of
/// a transaction that commits late. The projector must wait for them instead.
@Suite("Projecting while appends commit out of order")
struct ConcurrentAppendTests {
    @Test("writers hold their transactions open at random; the read models equal a fold from scratch")
    func appendsInOpenTransactions() async throws {
        try await TestDatabase.with { database in
            let writers = 4
            let transactions = 25
            let votesPerTransaction = 400
            let backlogs = (0..<writers).map {
                Backlog(workspaces: 20, prefix: "writer\($0)-", campaignPrefix: "writer\($0)-")
            }

            let configuration = ProjectorConfiguration(batchSize: 500, pollInterval: .milliseconds(200))
            let caughtUp = try await withProjectorService(database, configuration: configuration) {
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    for backlog in backlogs {
                        tasks.addTask {
                            try await Self.write(
                                backlog, transactions: transactions, votesPerTransaction: votesPerTransaction,
                                database: database)
                        }
                    }
                    try await tasks.waitForAll()
                }
                return try await waitUntilCaughtUp(database, timeout: .seconds(180))
            }

            try await expectNoOwner(database)
            let events = try await database.eventCount()
            for status in caughtUp.values {
                #expect(status.state == .running, "\(status.summary)")
                #expect(status.eventsApplied == Int64(events), "not every event applied once: \(status.summary)")
            }
            let keys = backlogs.map { $0.distinctKeys(votes: transactions * votesPerTransaction) }.reduce(0, +)
            let keysInLog = try await database.owner.query(
                """
                SELECT count(DISTINCT (stream_id, payload->>'identifier'))::int8
                  FROM event_log WHERE event_type = 'VoteCast'
                """,
                logger: database.logger
            ).collect().first?.decode(Int.self)
            #expect(keysInLog == keys)

            let projected = try await ReadModels.snapshot(database)
            #expect(projected["current_votes"]?.count == keys)
            ReadModels.expectEqual(projected, try await ReadModels.foldFromScratch(database))
        }
    }

    /// One writer: `transactions` transactions on a connection of its own,
    /// each appending a chunk (votes and other events) and then held open for
    /// 0 to 300 ms, and one in eight for about a second, before COMMIT.
    private static func write(
        _ backlog: Backlog, transactions: Int, votesPerTransaction: Int, database: TestDatabase
    ) async throws {
        try await database.app.withConnection { connection in
            for transaction in 0..<transactions {
                let first = transaction * votesPerTransaction
                try await connection.query("BEGIN", logger: database.logger)
                try await backlog.append(
                    votes: first..<first + votesPerTransaction, chunk: transaction, on: connection,
                    logger: database.logger)
                let hold = Int.random(in: 0...7) == 0 ? Int.random(in: 900...1_100) : Int.random(in: 0...300)
                try await Task.sleep(for: .milliseconds(hold))
                try await connection.query("COMMIT", logger: database.logger)
            }
        }
    }
}
