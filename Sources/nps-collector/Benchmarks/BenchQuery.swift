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
            "Fill the read models with a large campaign, then load summary, breakdown, workspace and vote pages, the trend, a comparison by role, one workspace's page and the segments by version; print req/s, p50, p99."
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

    @Option(
        help:
            "Votes per second uploaded over HTTP (1,000-vote uploads to another campaign, projectors running) while every route is loaded again (0 skips it)."
    )
    var ingestRate = 10_000

    /// Who sends the load: a client in this process, on the collector's own event loops (the
    /// default, as in every run recorded before wrk), or `wrk` in a process of its own, as
    /// `pgbench` is in the anchor. Under ingest wrk takes more of the cores than the uploads
    /// and projectors get, which then catch up in bursts that the next first answer meets.
    enum LoadGenerator: String, ExpressibleByArgument, CaseIterable {
        case inProcess = "in-process"
        case wrk
    }

    @Option(help: "Who sends the load: in-process (the default) or wrk (Debian's package).")
    var loadGenerator = LoadGenerator.inProcess

    func validate() throws {
        try BenchOption.check(workspaces, "workspaces", 1...10_000_000)
        try BenchOption.check(votes, "votes", 1...100_000_000)
        try BenchOption.check(connections, "connections", 1...1_000)
        try BenchOption.check(seconds, "seconds", 1...86_400)
        try BenchOption.check(poolSize, "pool-size", 1...1_000)
        try BenchOption.check(ingestRate, "ingest-rate", 0...1_000_000)
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
            let pgbench = PgBenchAnchor(database: ownerURL)
            try await pgbench.initialize()
            let rates = try await withPostgresClient(appURL, maximumConnections: options.poolSize, logger: logger) {
                try await options.measure(database: $0, pgbench: pgbench, logger: logger)
            }
            // After the load, on the same cluster: what PostgreSQL itself answers per second.
            let anchor = try await pgbench.transactionsPerSecond(
                .selectOnly, clients: options.connections, seconds: options.seconds)
            print(
                "anchor: pgbench -S -c \(options.connections) -j 2 -T \(options.seconds) on the same cluster: "
                    + "\(Int(anchor)) TPS")
            for (name, rate) in rates {
                print("  \(name): \(Int(rate)) req/s = \(BenchFigures.format(rate / anchor)) × pgbench -S")
            }
        }
    }

    /// Each route's requests per second under load (its answers cached after the first).
    private func measure(
        database: PostgresClient, pgbench: PgBenchAnchor, logger: Logger
    ) async throws -> [(String, Double)] {
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
            (
                "compare by role",
                "/api/v1/compare?a=\(QueryBenchFixture.campaignID)&b=\(QueryBenchFixture.campaignID)&role=admin"
            ),
            ("one workspace", "/api/v1/workspaces/ws-1"),
            ("segments by version", "/api/v1/campaigns/\(QueryBenchFixture.campaignID)/breakdown?by=version"),
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
            rates.append(("\(name), cached", try await load(name, uri, headers: headers, port: port)))
        }
        try await alternate(routes[0], with: pgbench, headers: headers, port: port)
        guard ingestRate > 0 else { return rates }
        // Under ingest every projector batch moves the read models' version, so answers are computed again.
        let uploadsPerSecond = max(1, ingestRate / Limits.votesPerBatch)
        let ingestSeconds = routes.count * (seconds + 5) + 10
        let ingestWorkspaces = 100
        let tokens = try await BenchCampaign.prepare(
            campaignID: "bench-ingest", workspaces: ingestWorkspaces, services: services)
        let uploads = try ResultsUploads.make(
            votes: uploadsPerSecond * ingestSeconds * Limits.votesPerBatch, workspaces: ingestWorkspaces,
            campaignID: "bench-ingest", seed: 13)
        let projectors = Task {
            try await ProjectorService(client: database, configuration: ProjectorConfiguration(), logger: logger).run()
        }
        defer { projectors.cancel() }
        let uploader = PacedUploads(
            port: port, campaignID: "bench-ingest", uploads: uploads, tokens: tokens, uploadsPerSecond: uploadsPerSecond
        )
        let ingest = Task { try await uploader.run() }
        defer { ingest.cancel() }
        print(
            "uploading \(uploadsPerSecond * Limits.votesPerBatch) votes/s over HTTP while projecting; the same routes:")
        try await Task.sleep(for: .seconds(2))
        let measuring = (ContinuousClock.now, uploader.answeredUploads)
        for (name, uri) in routes {
            rates.append(("\(name), while ingesting", try await load(name, uri, headers: headers, port: port)))
        }
        let votes = (uploader.answeredUploads - measuring.1) * Limits.votesPerBatch
        ingest.cancel()
        projectors.cancel()
        _ = await (ingest.result, projectors.result)
        print(
            "ingest while the routes were loaded: \(Int(Double(votes) / (ContinuousClock.now - measuring.0).seconds)) votes/s"
        )
        return rates
    }

    /// Times one answer alone, then loads the route from `connections` for `seconds`; prints both
    /// and returns the requests per second.
    private func load(_ name: String, _ uri: String, headers: HTTPHeaders, port: Int) async throws -> Double {
        let first = try await HTTPConnection.withConnection(port: port) { send in
            let started = ContinuousClock.now
            let answer = try await send(.GET, uri, headers, nil)
            guard answer.status == .ok else {
                throw ValidationError("\(uri): \(answer.status) \(String(buffer: answer.body))")
            }
            return ContinuousClock.now - started
        }
        let figures = try await loadFigures(uri, headers: headers, port: port)
        print(
            """
            \(name): first answer \(BenchFigures.format(first.seconds * 1000)) ms; \
            \(connections) connections for \(seconds) s (\(loadGenerator.rawValue)): \
            \(Int(figures.requestsPerSecond)) req/s, \
            p50 \(BenchFigures.format(figures.p50.seconds * 1000)) ms, \
            p99 \(BenchFigures.format(figures.p99.seconds * 1000)) ms, \
            \(figures.failures) failed
            """)
        return figures.requestsPerSecond
    }

    /// The cached answer of `route` and the anchor, measured in turn for `alternations`
    /// rounds: this machine's speed moves from one minute to the next (the anchor alone
    /// ranged over 18,000–37,000 TPS in one day), and a ratio of two figures taken minutes
    /// apart moves with it. Prints each round's ratio and their median.
    ///
    /// The load comes from wrk where it is installed, whatever `--load-generator` says:
    /// like pgbench, a client in C in a process of its own, so that the two figures differ
    /// by their servers only. The in-process client parses every answer with SwiftNIO
    /// on the collector's own threads, which costs more than wrk's parser.
    private func alternate(
        _ route: (name: String, uri: String), with pgbench: PgBenchAnchor, headers: HTTPHeaders, port: Int
    ) async throws {
        let generator: LoadGenerator = WrkLoad.installed() == nil ? .inProcess : .wrk
        print(
            "\(route.name), cached, and pgbench -S -c \(connections) -j 2, in turn for \(Self.alternations) rounds "
                + "of \(seconds) s each (\(generator.rawValue)):")
        var ratios: [Double] = []
        for round in 1...Self.alternations {
            let anchor = try await pgbench.transactionsPerSecond(.selectOnly, clients: connections, seconds: seconds)
            let figures = try await loadFigures(route.uri, headers: headers, port: port, by: generator)
            let ratio = figures.requestsPerSecond / anchor
            ratios.append(ratio)
            print(
                "  round \(round): pgbench -S \(Int(anchor)) TPS; \(route.name) "
                    + "\(Int(figures.requestsPerSecond)) req/s, p99 \(BenchFigures.format(figures.p99.seconds * 1000)) ms, "
                    + "\(figures.failures) failed = \(BenchFigures.format(ratio)) × pgbench -S")
        }
        let median = ratios.sorted()[ratios.count / 2]
        print("  \(route.name), cached, median of the rounds: \(BenchFigures.format(median)) × pgbench -S")
    }

    static let alternations = 3

    private func loadFigures(
        _ uri: String, headers: HTTPHeaders, port: Int, by generator: LoadGenerator? = nil
    ) async throws -> LoadFigures {
        if (generator ?? loadGenerator) == .wrk {
            guard let wrk = WrkLoad.installed() else { throw ValidationError("wrk is not installed (Debian: wrk)") }
            return try await wrk.run(
                port: port, uri: uri, authorization: headers.first(name: "Authorization") ?? "",
                connections: connections, seconds: seconds)
        }
        let load = try await LoadRun.run(
            port: port, uri: uri, headers: headers, connections: connections, duration: .seconds(seconds))
        let sorted = load.latencies.sorted()
        return LoadFigures(
            requestsPerSecond: Double(sorted.count) / load.elapsed.seconds,
            p50: .nanoseconds(Int64(BenchFigures.percentile(sorted, 0.50) * 1e9)),
            p99: .nanoseconds(Int64(BenchFigures.percentile(sorted, 0.99) * 1e9)),
            failures: load.failures)
    }
}

/// Many keep-alive connections sending the same GET as fast as answers
/// come. Each connection is driven on its event loop by a channel handler,
/// with no task switch per request, so that the load generator, which shares
/// the machine's cores with the collector, takes as little of them as
/// `pgbench` does in the anchor.
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
        var headers = headers
        headers.replaceOrAdd(name: "Host", value: "127.0.0.1")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: headers)
        let started = ContinuousClock.now
        let until = NIODeadline.now() + .nanoseconds(Int64(duration.seconds * 1e9))
        let tallies = try await withThrowingTaskGroup(of: RepeatedGet.Tally.self) { group in
            for _ in 0..<connections {
                group.addTask {
                    let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
                    let finished = eventLoop.makePromise(of: RepeatedGet.Tally.self)
                    do {
                        _ = try await ClientBootstrap(group: eventLoop)
                            .channelInitializer { channel in
                                channel.eventLoop.makeCompletedFuture {
                                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                                    try channel.pipeline.syncOperations.addHandler(
                                        RepeatedGet(head: head, until: until, finished: finished))
                                }
                            }
                            .connect(host: "127.0.0.1", port: port).get()
                    } catch {
                        finished.fail(error)
                    }
                    return try await finished.futureResult.get()
                }
            }
            return try await group.reduce(into: [RepeatedGet.Tally]()) { $0.append($1) }
        }
        return Result(
            latencies: tallies.flatMap(\.latencies).map { .nanoseconds($0) },
            failures: tallies.reduce(0) { $0 + $1.failures },
            elapsed: ContinuousClock.now - started)
    }
}

/// Sends `head` as soon as the connection is up and again as soon as each
/// answer ends, until `until`; then closes and reports what it measured.
private final class RepeatedGet: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    struct Tally: Sendable {
        var latencies: [Int64] = []
        var failures = 0
    }

    let finished: EventLoopPromise<Tally>
    private let head: HTTPRequestHead
    private let until: NIODeadline
    private var tally = Tally()
    private var sentAt = NIODeadline.now()
    private var status = HTTPResponseStatus.ok
    private var done = false

    init(head: HTTPRequestHead, until: NIODeadline, finished: EventLoopPromise<Tally>) {
        self.head = head
        self.until = until
        self.finished = finished
    }

    func channelActive(context: ChannelHandlerContext) {
        send(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = head.status
        case .body: break
        case .end:
            let now = NIODeadline.now()
            if status == .ok {
                tally.latencies.append((now - sentAt).nanoseconds)
            } else {
                tally.failures += 1
            }
            if now < until { send(context) } else { finish(context, .success(tally)) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(context, .failure(error))
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(context, .failure(ChannelError.eof))
    }

    private func send(_ context: ChannelHandlerContext) {
        sentAt = .now()
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    private func finish(_ context: ChannelHandlerContext, _ result: Swift.Result<Tally, any Error>) {
        guard !done else { return }
        done = true
        finished.completeWith(result)
        context.close(promise: nil)
    }
}
