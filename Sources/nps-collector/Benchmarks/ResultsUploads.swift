import ArgumentParser
import CollectorServer
import EventStore
import Foundation
import Hummingbird
import Ingest
import Logging
import NIOCore
import NPSDomain
import PostgresNIO
import Projections

/// Rocket.Chat 6.x results uploads of deterministic votes, for the benchmarks that go through HTTP.
enum ResultsUploads {
    struct WireVote: Encodable {
        var identifier: String
        var roles: [String]
        var score: Int
        var comment: String?
    }

    struct WireBatch: Encodable {
        var total: Int
        var votes: [WireVote]
    }

    struct Upload: Sendable {
        /// Index of the sending workspace, `bench-ws-<index>`.
        var workspace: Int
        var body: ByteBuffer
        /// The same votes as events (of campaign `campaignID`), for appending them directly.
        var votes: [VoteCast]
    }

    /// Batches of up to `Limits.votesPerBatch` votes, workspaces taking turns.
    static func make(votes: Int, workspaces: Int, campaignID: String, seed: UInt64 = 7) throws -> [Upload] {
        var generator = SplitMix64(seed: seed)
        var uploads: [Upload] = []
        var made = 0
        while made < votes {
            let count = min(Limits.votesPerBatch, votes - made)
            let workspace = uploads.count % workspaces
            var wire: [WireVote] = []
            var cast: [VoteCast] = []
            for _ in 0..<count {
                let vote = WireVote(
                    identifier: VoteFixtures.hex(&generator, bytes: 32),
                    roles: generator.next() % 5 == 0 ? ["admin", "user"] : ["user"],
                    score: Int(generator.next() % 11),
                    comment: VoteFixtures.comments[Int(generator.next() % UInt64(VoteFixtures.comments.count))]
                )
                wire.append(vote)
                cast.append(
                    VoteCast(
                        campaignID: campaignID,
                        workspaceID: "bench-ws-\(workspace)",
                        identifier: vote.identifier,
                        roles: vote.roles,
                        score: vote.score,
                        comment: vote.comment
                    )
                )
            }
            let body = try EventJSON.encode(WireBatch(total: count, votes: wire))
            uploads.append(Upload(workspace: workspace, body: ByteBuffer(string: body), votes: cast))
            made += count
        }
        return uploads
    }
}

/// The real router on a free loopback port, for benchmarks, with the change
/// listener that `serve` runs (tokens, campaigns and the read-model version from memory).
enum BenchServer {
    /// Returns the port and the serving task; cancel the task to stop it.
    static func start(database: PostgresClient, logger: Logger) async throws -> (Int, Task<Void, any Error>) {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let changes = ChangeNotifications(logger: logger)
        let application = Application(
            router: buildRouter(database: database, logger: logger, changes: changes),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "nps-collector-bench"),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let server = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await changes.listen(using: database) }
                group.addTask { try await application.runService(gracefulShutdownSignals: []) }
                try await group.next()
                group.cancelAll()
            }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw ValidationError("the server did not start") }
        return (port, server)
    }
}

/// How the benchmarks print figures.
enum BenchFigures {
    /// The element `fraction` of the way up a sorted list (nil when empty).
    static func element<Value>(_ sorted: [Value], atFraction fraction: Double) -> Value? {
        sorted.isEmpty ? nil : sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }

    /// A percentile of sorted durations, in seconds.
    static func percentile(_ sorted: [Duration], _ fraction: Double) -> Double {
        element(sorted, atFraction: fraction)?.seconds ?? 0
    }

    static func format(_ value: Double) -> String { String(format: "%.2f", value) }

    /// Seconds `query` takes, its rows read to the end.
    static func seconds(of query: PostgresQuery, on client: PostgresClient, logger: Logger) async throws -> Double {
        let started = ContinuousClock.now
        _ = try await client.query(query, logger: logger).collect()
        return (ContinuousClock.now - started).seconds
    }
}

/// The workspaces and the open campaign the uploads of a benchmark need.
enum BenchCampaign {
    /// Registers workspaces `bench-ws-0` … and announces `campaignID`, open
    /// since an hour ago; returns the workspaces' tokens by index.
    static func prepare(campaignID: String, workspaces: Int, services: CollectorServices) async throws -> [String] {
        var tokens: [String] = []
        for index in 0..<workspaces {
            tokens.append(
                try await services.workspaces.register("bench-ws-\(index)", metadata: .init(sender: "bench")).token
            )
        }
        _ = try await services.campaigns.announce(
            .init(
                id: campaignID, startAt: Date().addingTimeInterval(-3_600), expireAt: Date().addingTimeInterval(86_400)),
            allowShortNotice: true,
            metadata: .init(sender: "bench")
        )
        return tokens
    }
}
