import ArgumentParser
import EventStore
import Foundation
import Ingest
import Logging
import NIOHTTP1
import NPSDomain
import PostgresNIO
import Projections
import Simulation

#if canImport(Glibc)
import Glibc
#endif

/// `nps-collector bench e2e`: the simulator's fleet against a collector
/// (`serve` in a process of its own, projectors in it, simulated clock) on a
/// scratch database, as fast as the collector accepts.
struct BenchE2E: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "e2e",
        abstract:
            "The simulated fleet against a collector process; print rates, latency, lag, memory, log size, --check."
    )

    @Option(help: "Workspaces in the fleet.")
    var workspaces = 20_000

    @Option(help: "Campaigns, six months apart.")
    var campaigns = 2

    @Option(help: "Seed of the fleet.")
    var seed: UInt64 = 1

    @Option(help: "Keep-alive connections of the simulator.")
    var connections = 8

    @Option(help: "Loopback port of the collector under test.")
    var port = 18_090

    @Option(help: "Seconds of the `pgbench -N -c 8` anchor run after the fleet (0: none).")
    var anchorSeconds = 15

    func validate() throws {
        try BenchOption.check(workspaces, "workspaces", 1...1_000_000)
        try BenchOption.check(campaigns, "campaigns", 1...100)
        try BenchOption.check(connections, "connections", 1...256)
        try BenchOption.check(port, "port", 1...65_535)
        try BenchOption.check(anchorSeconds, "anchor-seconds", 0...600)
    }

    func run() async throws {
        var logger = EnvironmentSettings.logger("nps-collector.bench")
        logger.logLevel = .warning
        try await ScratchBenchDatabase.with(logger: logger) { ownerURL, appURL in
            try await withPostgresClient(appURL, maximumConnections: 2, logger: logger) { database in
                let admin = try await TokenStore(client: database, logger: logger).create(scope: .admin).token
                let collector = try CollectorProcess(port: port, database: appURL, owner: ownerURL)
                defer { collector.stop() }
                try await collector.waitUntilReady()
                let outcome = try await measure(collector: collector, admin: admin, database: database, logger: logger)
                collector.stop()
                if anchorSeconds > 0 {
                    let pgbench = PgBenchAnchor(database: ownerURL)
                    try await pgbench.initialize()
                    let anchor = try await pgbench.transactionsPerSecond(
                        .simpleUpdate, clients: 8, seconds: anchorSeconds)
                    print(outcome.rates.ratios(toSimpleUpdate: anchor, clients: 8, seconds: anchorSeconds))
                }
                if !outcome.exact { throw ExitCode(1) }
            }
        }
    }

    private func measure(
        collector: CollectorProcess, admin: String, database: PostgresClient, logger: Logger
    )
        async throws -> (rates: RequestRates, exact: Bool)
    {
        let target = try CollectorTarget(url: "http://127.0.0.1:\(port)", adminToken: admin)
        let start = SimulationSettings.nextMidnight(after: try await target.clock())
        let plan = SimulationPlan(
            SimulationSettings(workspaces: workspaces, campaigns: campaigns, seed: seed, start: start))
        print("bench e2e: \(workspaces) workspaces, \(campaigns) campaigns, seed \(seed), \(connections) connections")

        let lag = Task { await LagSampler(database: database, logger: logger).sample() }
        let report = try await SimulationRun(plan: plan, target: target, connections: connections).run { phase in
            print("  \(phase.name) ...")
        }
        let check = CollectorCheck(target: target)
        var exactAfter: Duration?
        while exactAfter == nil {
            if try await check.differences(report.truth).isEmpty, let last = report.lastUpload {
                exactAfter = ContinuousClock.now - last
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        lag.cancel()
        let lagSamples = await lag.value
        try await check.waitForProjections(timeout: .seconds(600))
        let differences = try await check.differences(report.truth) + (try await check.segmentDifferences(report.truth))
        let peak = collector.peakResidentBytes()
        let (logBytes, votes, events) = try await logSize(database, logger: logger)
        let logParts = try await logParts(database, votes: votes, logger: logger)

        let uploadPhases = report.phaseTimings.filter { $0.votes > 0 }
        let uploadSeconds = uploadPhases.reduce(0) { $0 + $1.duration.seconds }
        let rates = RequestRates(report.phaseTimings)
        let latencies = report.uploadLatencies.sorted()
        let eventsBehind = lagSamples.map(\.events).sorted()
        let ageBehind = lagSamples.map(\.age).sorted()
        print(
            """
            sent \(report.requests) requests (\(report.uploads) results uploads, \(report.votesSent) votes) \
            in \(BenchFigures.format(report.elapsed.seconds)) s; \(report.unexpected) unexpected answers
            upload: \(Int(Double(report.votesSent) / max(uploadSeconds, 0.001))) votes/s \
            (\(report.votesSent) votes in \(BenchFigures.format(uploadSeconds)) s of upload phases); \
            latency p50 \(BenchFigures.format(BenchFigures.percentile(latencies, 0.50) * 1000)) ms, \
            p99 \(BenchFigures.format(BenchFigures.percentile(latencies, 0.99) * 1000)) ms
            projection lag during the run (\(lagSamples.count) samples every 100 ms, slowest projection): \
            events p50 \(BenchFigures.element(eventsBehind, atFraction: 0.50) ?? 0), \
            p99 \(BenchFigures.element(eventsBehind, atFraction: 0.99) ?? 0), \
            max \(eventsBehind.last ?? 0); \
            age p50 \(BenchFigures.format(BenchFigures.percentile(ageBehind, 0.50) * 1000)) ms, \
            p99 \(BenchFigures.format(BenchFigures.percentile(ageBehind, 0.99) * 1000)) ms, \
            max \(BenchFigures.format((ageBehind.last ?? .zero).seconds * 1000)) ms
            \(rates.text)
            summary exact \(BenchFigures.format((exactAfter ?? .zero).seconds)) s after the last upload was answered
            collector peak RSS: \(peak / 1_048_576) MiB
            log: \(logBytes) bytes (table and indexes) for \(events) events; \(logBytes / max(votes, 1)) bytes per vote \
            (\(votes) VoteCast events): \(logParts)
            check: \(differences.isEmpty ? "the collector's answers equal the ground truth" : "\(differences.count) differences: \(differences.prefix(5))")
            """)
        return (rates, differences.isEmpty && report.unexpected == 0)
    }

    private func logSize(
        _ database: PostgresClient, logger: Logger
    ) async throws -> (bytes: Int, votes: Int, events: Int) {
        let rows = try await database.query(
            """
            SELECT pg_total_relation_size('event_log'),
                   (SELECT count(*) FROM event_log WHERE event_type = 'VoteCast'),
                   (SELECT count(*) FROM event_log)
            """, logger: logger
        ).collect()
        let (bytes, votes, events) = try rows[0].decode((Int64, Int64, Int64).self)
        return (Int(bytes), Int(votes), Int(events))
    }

    /// Where the log's bytes per vote go: the table, its TOAST and each index.
    private func logParts(_ database: PostgresClient, votes: Int, logger: Logger) async throws -> String {
        let rows = try await database.query(
            """
            SELECT 'table', pg_relation_size('event_log')
            UNION ALL
            SELECT 'toast', coalesce(pg_total_relation_size(nullif(reltoastrelid, 0)), 0)
              FROM pg_class WHERE oid = 'event_log'::regclass
            UNION ALL
            SELECT (SELECT relname::text FROM pg_class WHERE oid = indexrelid), pg_relation_size(indexrelid)
              FROM pg_index WHERE indrelid = 'event_log'::regclass
            """, logger: logger
        )
        var parts: [String] = []
        for try await (name, bytes) in rows.decode((String, Int64).self) {
            parts.append("\(name) \(Int(bytes) / max(votes, 1))")
        }
        let columns = try await database.query(
            """
            SELECT avg(pg_column_size(e.*))::int8, avg(pg_column_size(e.stream_id))::int8,
                   avg(pg_column_size(e.payload))::int8, avg(pg_column_size(e.metadata))::int8
              FROM event_log e WHERE e.event_type = 'VoteCast'
            """, logger: logger
        ).collect()
        let (row, streamID, payload, metadata) = try columns[0].decode((Int64?, Int64?, Int64?, Int64?).self)
        // A row a stream, not a vote: outside the log's figure, printed so that nothing is hidden by the move.
        let heads = try await database.query(
            "SELECT pg_total_relation_size('stream_heads'), count(*) FROM stream_heads", logger: logger
        ).collect()
        let (headBytes, streams) = try heads[0].decode((Int64, Int64).self)
        return parts.joined(separator: ", ")
            + "; a VoteCast row \(row ?? 0) bytes (stream id \(streamID ?? 0), payload \(payload ?? 0), metadata \(metadata ?? 0))"
            + "; beside the log, stream_heads: \(headBytes) bytes for \(streams) streams (\(Int(headBytes) / max(votes, 1)) per vote)"
    }
}

/// How far the slowest projection is behind, sampled every 100 ms with one
/// query: the events after each checkpoint (`event_log_lag`, an index range
/// scan) without the rest of the projections' status (owners from
/// `pg_locks`, halts), which at this rate took about 10 % of the database's
/// time and slowed what it measured. The age is measured here, not from
/// `recorded_at` (simulated time): how long ago this sampler first saw the
/// log's head pass the checkpoint of the projection furthest behind.
struct LagSampler {
    let database: PostgresClient
    let logger: Logger

    struct Sample {
        var events: Int
        var age: Duration
    }

    func sample() async -> [Sample] {
        var samples: [Sample] = []
        // The heads seen that some projection has not passed yet, oldest first.
        var heads: [(at: ContinuousClock.Instant, position: Int64)] = []
        while !Task.isCancelled {
            guard let (behind, head, applied) = try? await lag() else { break }
            let now = ContinuousClock.now
            heads.append((now, head))
            heads.removeAll { $0.position <= applied }
            samples.append(Sample(events: Int(behind), age: behind > 0 ? now - (heads.first?.at ?? now) : .zero))
            try? await Task.sleep(for: .milliseconds(100))
        }
        return samples
    }

    /// The most events any projection has not applied, the log's head, and the lowest checkpoint position.
    private func lag() async throws -> (behind: Int64, head: Int64, applied: Int64) {
        let rows = try await database.query(
            """
            SELECT coalesce(max(lag.events), 0), coalesce((SELECT max(position) FROM event_log), 0),
                   coalesce(min(p.position), 0)
              FROM projections p CROSS JOIN LATERAL event_log_lag(p.transaction_id, p.position) AS lag
            """, logger: logger
        ).collect()
        return try rows.first?.decode((Int64, Int64, Int64).self) ?? (0, 0, 0)
    }
}

/// `nps-collector serve` of this very binary on the scratch database, with
/// its projectors and a simulated clock.
final class CollectorProcess: Sendable {
    let process: Process
    let port: Int

    init(port: Int, database: DatabaseURL, owner: DatabaseURL) throws {
        self.port = port
        let process = Process()
        process.executableURL = URL(
            fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        process.arguments = ["serve", "--port", String(port), "--simulated-clock"]
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = database.connectionString
        environment["MIGRATE_DATABASE_URL"] = owner.connectionString
        environment["LOG_LEVEL"] = "warning"
        environment.removeValue(forKey: "QUERY_DATABASE_URL")
        process.environment = environment
        try process.run()
        self.process = process
    }

    func waitUntilReady() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw ValidationError("the collector ended (is port \(port) free?)") }
            let ready = try? await HTTPConnection.withConnection(port: port) { send in
                try await send(.GET, "/health/ready", [:], nil).status.code
            }
            if ready == 200 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ValidationError("the collector did not become ready on port \(port)")
    }

    /// VmHWM of the collector process.
    func peakResidentBytes() -> Int {
        (ProcessStatus.kilobytes("VmHWM", of: process.processIdentifier) ?? 0) * 1_024
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
