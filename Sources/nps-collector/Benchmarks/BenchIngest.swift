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
import Projections
import Simulation

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

    func validate() throws {
        try BenchOption.check(votes, "votes", 1...100_000_000)
        try BenchOption.check(clients, "clients", 1...256)
        try BenchOption.check(workspaces, "workspaces", 1...1_000_000)
        try BenchOption.check(poolSize, "pool-size", 1...1_000)
    }

    func run() async throws {
        var logger = EnvironmentSettings.logger("nps-collector.bench")
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
        let tokens = try await BenchCampaign.prepare(campaignID: "bench", workspaces: workspaces, services: services)
        print("generating \(votes) votes in batches of \(Limits.votesPerBatch) from \(workspaces) workspaces ...")
        let uploads = try ResultsUploads.make(votes: votes, workspaces: workspaces, campaignID: "bench-direct")
        let bodyBytes = uploads.reduce(0) { $0 + $1.body.readableBytes }
        print("average request body: \(bodyBytes / max(uploads.count, 1)) bytes")

        let (port, server) = try await BenchServer.start(database: database, logger: logger)
        let clients = self.clients
        let started = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for client in 0..<clients {
                group.addTask {
                    try await HTTPConnection.withConnection(port: port) { send in
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
            \(votes) votes in \(BenchFigures.format(httpSeconds)) s = \(Int(httpRate)) votes/s
            upload latency: p50 \(BenchFigures.format(BenchFigures.percentile(sorted, 0.50) * 1000)) ms, p99 \(BenchFigures.format(BenchFigures.percentile(sorted, 0.99) * 1000)) ms
            EventLog.append of the same votes (\(clients) writers): \(Int(appendRate)) votes/s
            ratio HTTP/append: \(BenchFigures.format(httpRate / appendRate))
            """
        )
    }

    private func appendDirectly(_ uploads: [ResultsUploads.Upload], log: EventLog) async throws -> Double {
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
}
