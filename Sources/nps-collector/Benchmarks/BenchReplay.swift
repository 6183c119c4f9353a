import ArgumentParser
import EventStore
import Foundation
import Logging
import NPSDomain
import PostgresNIO
import Projections

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `nps-collector bench replay`: a log of VoteCast events grown to each
/// size in turn, the votes read model replayed from it (shadow build and
/// swap, as `replay votes` does), and in the same run the SQL GROUP BY that
/// computes the same counts without keeping anything.
struct BenchReplay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay the votes read model from logs of growing size; events/s, peak memory, SQL GROUP BY ratio."
    )

    @Option(help: "Log sizes (VoteCast events) to replay at, ascending, comma-separated.")
    var sizes = "1000000,10000000"

    @Option(help: "Workspaces the votes come from.")
    var workspaces = 100_000

    @Option(help: "Campaigns the votes are for.")
    var campaigns = 2

    @Option(help: "Every this-many-th round of votes changes the round before instead of casting new votes.")
    var changeEvery = 10

    @Option(name: .customLong("projection-batch"), help: "Events per replay transaction.")
    var batchSize = ProjectorConfiguration.defaultBatchSize

    @Option(
        name: .customLong("rebuild-batch"),
        help: """
            The most events per replay transaction while behind, comma-separated: each is replayed in turn on \
            every log size, so that batch sizes are compared on one log.
            """
    )
    var rebuildBatchSizes = "\(ProjectorConfiguration.defaultRebuildBatchSize)"

    func validate() throws {
        try BenchOption.check(workspaces, "workspaces", 1...10_000_000)
        try BenchOption.check(campaigns, "campaigns", 1...1_000)
        try BenchOption.check(changeEvery, "change-every", 1...1_000_000)
        try BenchOption.check(batchSize, "projection-batch", 1...ProjectorConfiguration.batchSizeLimit)
        for size in try rebuildBatches() {
            try BenchOption.check(size, "rebuild-batch", 1...ProjectorConfiguration.catchUpBatchSizeLimit)
        }
    }

    private func rebuildBatches() throws -> [Int] {
        let parts = rebuildBatchSizes.split(separator: ",")
        let sizes = parts.compactMap { Int($0.replacingOccurrences(of: "_", with: "")) }
        guard !sizes.isEmpty, sizes.count == parts.count else {
            throw ValidationError("--rebuild-batch: numbers of events, comma-separated")
        }
        return sizes
    }

    func run() async throws {
        let sizes = self.sizes.split(separator: ",").compactMap { Int($0.replacingOccurrences(of: "_", with: "")) }
        guard !sizes.isEmpty, sizes == sizes.sorted(), sizes.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--sizes: positive numbers of events, ascending")
        }
        guard (1...ProjectorConfiguration.batchSizeLimit).contains(batchSize) else {
            throw ValidationError("the projection batch must be 1 to \(ProjectorConfiguration.batchSizeLimit) events")
        }
        var quietLogger = EnvironmentSettings.logger("nps-collector.bench")
        quietLogger.logLevel = .warning
        let logger = quietLogger
        let backlog = VoteBacklog(workspaces: workspaces, campaigns: campaigns, changeEvery: changeEvery)
        let batchSize = batchSize
        let rebuildBatches = try rebuildBatches()
        print(
            """
            replay of the votes read model, \(workspaces) workspaces, \(campaigns) campaigns, batches of \(batchSize) \
            growing to \(rebuildBatches.map(String.init).joined(separator: ", then ")) while behind:
            """
        )
        try await ScratchBenchDatabase.with(logger: logger) { ownerURL, _ in
            try await withPostgresClient(ownerURL, maximumConnections: 2, logger: logger) { owner in
                var written = 0
                for size in sizes {
                    let writing = ContinuousClock.now
                    try await backlog.write(written..<size, owner: owner, logger: logger)
                    print(
                        "  log grown to \(size) events in \(BenchFigures.format((ContinuousClock.now - writing).seconds)) s"
                    )
                    written = size

                    for rebuildBatch in rebuildBatches {
                        // The first reader of a log written a minute ago (vacuumed, by `write`) is the
                        // slower one. It used to be the replay: 24-27 % slower than a second replay of
                        // the same log, with the GROUP BY timed after it. So the GROUP BY is timed before
                        // the replay too, and the faster of the two is the anchor, which can only make
                        // the ratio larger.
                        let groupByBefore = try await BenchFigures.seconds(
                            of: VoteBacklog.groupByComputed, on: owner, logger: logger)
                        let sampler = Task { await BackendMemory.peak(of: owner, logger: logger) }
                        let started = ContinuousClock.now
                        let outcome = try await ReadModelReplay(
                            readModel: "votes", owner: ownerURL,
                            configuration: ProjectorConfiguration(batchSize: batchSize, rebuildBatchSize: rebuildBatch),
                            logger: logger
                        ).run(.swap)
                        let seconds = (ContinuousClock.now - started).seconds
                        sampler.cancel()
                        let backendPeak = await sampler.value
                        let collectorPeak = Self.peakRSSMiB()

                        let groupByAfter = try await BenchFigures.seconds(
                            of: VoteBacklog.groupByComputed, on: owner, logger: logger)
                        let groupBy = min(groupByBefore, groupByAfter)
                        print(
                            """
                              \(size) events, batches up to \(rebuildBatch): replay \(BenchFigures.format(seconds)) s = \(Int(Double(size) / seconds)) events/s \
                            (\(outcome.events) shard events), peak RSS collector \(collectorPeak) MiB, \
                            PostgreSQL backend private \(backendPeak.map { "\($0 / 1024) MiB" } ?? "n/a"); \
                            SQL GROUP BY \(BenchFigures.format(groupByBefore)) s before, \(BenchFigures.format(groupByAfter)) s after; \
                            ratio replay / GROUP BY (the faster) \(BenchFigures.format(seconds / groupBy))
                            """
                        )
                    }
                }
            }
        }
    }

    /// This process's peak resident memory so far.
    static func peakRSSMiB() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss / 1024  // kilobytes on Linux
    }
}

/// The largest private resident memory (RssAnon: not the shared buffers a
/// backend has touched, which count in its RSS and grow with the data read)
/// of any PostgreSQL backend of this database, sampled every 200 ms until
/// cancelled: where a replay's fold runs. Nil when /proc cannot be read
/// (another machine, another user).
enum BackendMemory {
    static func peak(of client: PostgresClient, logger: Logger) async -> Int? {
        var peak: Int?
        while !Task.isCancelled {
            // A sample cut short by the cancellation is simply the last.
            guard
                let rows = try? await client.query(
                    """
                    SELECT pid FROM pg_stat_activity
                     WHERE datname = current_database() AND pid <> pg_backend_pid()
                    """,
                    logger: logger
                ).collect()
            else { break }
            for row in rows {
                guard let pid = try? row.decode(Int32.self), let kilobytes = ProcessStatus.kilobytes("RssAnon", of: pid)
                else { continue }
                peak = max(peak ?? 0, kilobytes)
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return peak
    }

}

/// A memory field of /proc/<pid>/status (VmHWM, RssAnon, ...), in kilobytes;
/// nil when it cannot be read (another machine, another user).
enum ProcessStatus {
    static func kilobytes(_ field: String, of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }
}
