import ArgumentParser
import CollectorServer
import EventStore
import Foundation
import Ingest
import Logging
import NIOCore
import NIOHTTP1
import NPSDomain
import PostgresNIO
import Projections
import Simulation

/// `nps-collector bench query`: the query API under 50 concurrent
/// connections on a large projected campaign.
struct BenchQuery: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract:
            "Fill the read models with a large campaign, then load summary, breakdown, workspace and vote pages and the trend; print req/s, p50, p99."
    )

    @Option(help: "Workspaces taking part.")
    var workspaces = 100_000

    @Option(help: "Current votes of the campaign, spread evenly over the workspaces.")
    var votes = 5_000_000

    @Option(help: "Concurrent HTTP connections.")
    var connections = 50

    @Option(help: "Seconds of load per route.")
    var seconds = 10

    @Option(help: "Connections in the collector's database pool.")
    var poolSize = 20

    func validate() throws {
        try BenchOption.check(workspaces, "workspaces", 1...10_000_000)
        try BenchOption.check(votes, "votes", 1...100_000_000)
        try BenchOption.check(connections, "connections", 1...1_000)
        try BenchOption.check(seconds, "seconds", 1...86_400)
        try BenchOption.check(poolSize, "pool-size", 1...1_000)
    }

    func run() async throws {
        var logger = EnvironmentSettings.logger("nps-collector.bench")
        logger.logLevel = .warning
        let options = self
        try await ScratchBenchDatabase.with(logger: logger) { ownerURL, appURL in
            let started = ContinuousClock.now
            print("projecting \(options.votes) votes of \(options.workspaces) workspaces into the read models ...")
            try await withPostgresClient(ownerURL, maximumConnections: 1, logger: logger) { owner in
                try await QueryBenchFixture(workspaces: options.workspaces, votes: options.votes)
                    .fill(owner, logger: logger)
            }
            print("read models ready in \(ContinuousClock.now - started)")
            let rates = try await withPostgresClient(appURL, maximumConnections: options.poolSize, logger: logger) {
                try await options.measure(database: $0, logger: logger)
            }
            // After the load, on the same cluster: what PostgreSQL itself answers per second.
            let anchor = try PgBenchAnchor(database: ownerURL)
                .transactionsPerSecond(.selectOnly, clients: options.connections, seconds: options.seconds)
            print(
                "anchor: pgbench -S -c \(options.connections) -j 2 -T \(options.seconds) on the same cluster: "
                    + "\(Int(anchor)) TPS")
            for (name, rate) in rates {
                print("  \(name), cached: \(Int(rate)) req/s = \(BenchFigures.format(rate / anchor)) × pgbench -S")
            }
        }
    }

    /// Each route's requests per second under load (its answers cached after the first).
    private func measure(database: PostgresClient, logger: Logger) async throws -> [(String, Double)] {
        var rates: [(String, Double)] = []
        let services = CollectorServices(database: database, logger: logger)
        let token = try await services.tokens.create(scope: .analyst).token
        let (port, server) = try await BenchServer.start(database: database, logger: logger)
        defer { server.cancel() }
        let routes = [
            ("summary", "/api/v1/campaigns/\(QueryBenchFixture.campaignID)/summary"),
            ("breakdown", "/api/v1/campaigns/\(QueryBenchFixture.campaignID)/breakdown?by=role"),
            ("workspaces page 1", "/api/v1/campaigns/\(QueryBenchFixture.campaignID)/workspaces?sort=nps"),
            ("votes page 1", "/api/v1/campaigns/\(QueryBenchFixture.campaignID)/votes"),
            ("trend", "/api/v1/trend"),
        ]
        // The privacy rule's share of a first answer, apart from HTTP and the other figures.
        let reading = ContinuousClock.now
        let groups = try await VoterGroupQuery(client: database, logger: logger).groups(
            of: QueryBenchFixture.campaignID)
        let deciding = ContinuousClock.now
        let disclosure = Disclosure(groups: groups, threshold: PrivacyThreshold())
        let decided = ContinuousClock.now
        print(
            """
            privacy rule over \(groups.count) voter groups of \(disclosure.workspaceVotes.count) workspaces: \
            read in \(BenchFigures.format((deciding - reading).seconds * 1000)) ms, \
            decided in \(BenchFigures.format((decided - deciding).seconds * 1000)) ms
            """)
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer \(token)")
        for (name, uri) in routes {
            // The first answer of a read-model version is computed; the rest come from the answer cache.
            let cold = try await HTTPConnection.withConnection(port: port) { send in
                let started = ContinuousClock.now
                let answer = try await send(.GET, uri, headers, nil)
                guard answer.status == .ok else {
                    throw ValidationError("\(uri): \(answer.status) \(String(buffer: answer.body))")
                }
                return ContinuousClock.now - started
            }
            let load = try await LoadRun.run(
                port: port, uri: uri, headers: headers, connections: connections, duration: .seconds(seconds))
            let sorted = load.latencies.sorted()
            rates.append((name, Double(sorted.count) / load.elapsed.seconds))
            print(
                """
                \(name): first answer \(BenchFigures.format(cold.seconds * 1000)) ms; \
                \(connections) connections for \(seconds) s: \(Int(Double(sorted.count) / load.elapsed.seconds)) req/s, \
                p50 \(BenchFigures.format(BenchFigures.percentile(sorted, 0.50) * 1000)) ms, \
                p99 \(BenchFigures.format(BenchFigures.percentile(sorted, 0.99) * 1000)) ms, \
                \(load.failures) failed
                """)
        }
        return rates
    }
}

/// Many keep-alive connections sending the same GET as fast as answers come.
enum LoadRun {
    struct Result {
        var latencies: [Duration]
        var failures: Int
        var elapsed: Duration
    }

    static func run(
        port: Int, uri: String, headers: HTTPHeaders, connections: Int, duration: Duration
    )
        async throws -> Result
    {
        let started = ContinuousClock.now
        let end = started + duration
        let perConnection = try await withThrowingTaskGroup(of: ([Duration], Int).self) { group in
            for _ in 0..<connections {
                group.addTask {
                    try await HTTPConnection.withConnection(port: port) { send in
                        var latencies: [Duration] = []
                        var failures = 0
                        while ContinuousClock.now < end {
                            let sent = ContinuousClock.now
                            let answer = try await send(.GET, uri, headers, nil)
                            if answer.status == .ok {
                                latencies.append(ContinuousClock.now - sent)
                            } else {
                                failures += 1
                            }
                        }
                        return (latencies, failures)
                    }
                }
            }
            return try await group.reduce(into: [([Duration], Int)]()) { $0.append($1) }
        }
        return Result(
            latencies: perConnection.flatMap(\.0), failures: perConnection.reduce(0) { $0 + $1.1 },
            elapsed: ContinuousClock.now - started)
    }
}
