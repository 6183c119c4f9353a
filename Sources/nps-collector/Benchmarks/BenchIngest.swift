import ArgumentParser
import CollectorServer
import EventStore
import Foundation
import Hummingbird
import Ingest
import Logging
import NIOCore
import NIOHTTP1
import NPSDomain
import PostgresNIO

/// `nps-collector bench ingest`: Rocket.Chat-shaped results uploads over HTTP
/// to the collector, against `EventLog.append` of the same votes.
struct BenchIngest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Upload 1000-vote batches over HTTP (6.x shape) and append the same votes directly; print both rates."
    )

    @Option(help: "Votes to upload.")
    var votes = 200_000

    @Option(help: "Concurrent HTTP clients (connections).")
    var clients = 4

    @Option(help: "Workspaces the batches come from.")
    var workspaces = 200

    @Option(help: "Connections in the collector's database pool.")
    var poolSize = 8

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
        var workspace: Int
        var body: ByteBuffer
        var votes: [VoteCast]
    }

    func run() async throws {
        var logger = Environment.logger("nps-collector.bench")
        logger.logLevel = .warning
        let options = self
        try await ScratchBenchDatabase.with(logger: logger) { _, appURL in
            try await withPostgresClient(appURL, maximumConnections: options.poolSize, logger: logger) { database in
                try await options.measure(database: database, logger: logger)
            }
        }
    }

    private func measure(database: PostgresClient, logger: Logger) async throws {
        let services = CollectorServices(database: database, logger: logger)
        var registered: [String] = []
        for index in 0..<workspaces {
            registered.append(
                try await services.workspaces.register("bench-ws-\(index)", metadata: .init(sender: "bench")).token
            )
        }
        let tokens = registered
        _ = try await services.campaigns.announce(
            .init(id: "bench", startAt: Date().addingTimeInterval(-3_600), expireAt: Date().addingTimeInterval(86_400)),
            allowShortNotice: true,
            metadata: .init(sender: "bench")
        )
        print("generating \(votes) votes in batches of \(Limits.votesPerBatch) from \(workspaces) workspaces ...")
        let uploads = try makeUploads()
        let bodyBytes = uploads.reduce(0) { $0 + $1.body.readableBytes }
        print("average request body: \(bodyBytes / max(uploads.count, 1)) bytes")

        let (port, server) = try await startServer(database: database, logger: logger)
        let clients = self.clients
        let started = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for client in 0..<clients {
                group.addTask {
                    try await LoopbackHTTPClient.withConnection(port: port) { send in
                        var latencies: [Duration] = []
                        for index in stride(from: client, to: uploads.count, by: clients) {
                            let upload = uploads[index]
                            let headers = HTTPHeaders([
                                ("Authorization", "Bearer \(tokens[upload.workspace])"),
                                ("Content-Type", "application/json"),
                            ])
                            let sent = ContinuousClock.now
                            let answer = try await send(.POST, "/v1/surveys/bench/results", headers, upload.body)
                            latencies.append(ContinuousClock.now - sent)
                            guard answer.status == .ok else {
                                throw ValidationError(
                                    "upload answered \(answer.status.code): \(String(buffer: answer.body))")
                            }
                        }
                        return latencies
                    }
                }
            }
            return try await group.reduce(into: [Duration]()) { $0 += $1 }
        }
        let httpSeconds = (ContinuousClock.now - started).seconds
        server.cancel()

        let logged =
            try await database.query(
                "SELECT count(*)::int8 FROM event_log WHERE event_type = 'VoteCast'",
                logger: logger
            ).collect().first?.decode(Int.self) ?? -1
        guard logged == votes else { throw ValidationError("the log holds \(logged) votes, not \(votes)") }

        let appendSeconds = try await appendDirectly(uploads, log: EventLog(client: database, logger: logger))
        let sorted = latencies.sorted()
        let httpRate = Double(votes) / httpSeconds
        let appendRate = Double(votes) / appendSeconds
        print(
            """
            HTTP ingest (\(clients) clients, \(uploads.count) uploads of \(Limits.votesPerBatch) votes): \
            \(votes) votes in \(format(httpSeconds)) s = \(Int(httpRate)) votes/s
            upload latency: p50 \(format(percentile(sorted, 0.50) * 1000)) ms, p99 \(format(percentile(sorted, 0.99) * 1000)) ms
            EventLog.append of the same votes (\(clients) writers): \(Int(appendRate)) votes/s
            ratio HTTP/append: \(format(httpRate / appendRate))
            """
        )
    }

    private func makeUploads() throws -> [Upload] {
        var generator = SplitMix64(seed: 7)
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
                        campaignID: "bench-direct",
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

    /// Serves the real router on a free loopback port; returns the port and the serving task.
    private func startServer(database: PostgresClient, logger: Logger) async throws -> (Int, Task<Void, any Error>) {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: buildRouter(database: database, logger: logger),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "nps-collector-bench"),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let server = Task { try await application.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw ValidationError("the server did not start") }
        return (port, server)
    }

    private func appendDirectly(_ uploads: [Upload], log: EventLog) async throws -> Double {
        let batches = try uploads.map { upload in try upload.votes.map { try NewEvent($0) } }
        let writers = clients
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for index in stride(from: writer, to: batches.count, by: writers) {
                        try await log.append(batches[index], to: "bench-direct/\(uploads[index].workspace)")
                    }
                }
            }
            try await group.waitForAll()
        }
        return (ContinuousClock.now - started).seconds
    }

    private func percentile(_ sorted: [Duration], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))].seconds
    }

    private func format(_ value: Double) -> String { String(format: "%.2f", value) }
}
