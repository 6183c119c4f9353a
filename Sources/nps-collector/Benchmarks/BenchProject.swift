import ArgumentParser
import CollectorServer
import EventStore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NPSDomain
import PostgresNIO
import Projections
import Simulation

/// `nps-collector bench project`: the fold of a large backlog against the
/// database's own GROUP BY over the same events, then the projection lag
/// while results uploads arrive at a steady rate.
struct BenchProject: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "Fold a backlog of VoteCast events from an empty checkpoint; compare with SQL GROUP BY; measure lag."
    )

    @Option(help: "VoteCast events in the backlog.")
    var events = 1_000_000

    @Option(help: "Workspaces the backlog's votes come from.")
    var workspaces = 10_000

    @Option(help: "Campaigns the backlog's votes are for.")
    var campaigns = 2

    @Option(help: "Every this-many-th round of votes changes the round before instead of casting new votes.")
    var changeEvery = 10

    @Option(name: .customLong("projection-batch"), help: "Events per projector transaction.")
    var batchSize = ProjectorConfiguration.defaultBatchSize

    @Option(
        name: .customLong("projection-catch-up-batch"),
        help: "The most events per projector transaction while behind (set it to --projection-batch for fixed batches)."
    )
    var catchUpBatchSize = ProjectorConfiguration.defaultCatchUpBatchSize

    @Option(help: "Votes per second uploaded over HTTP while the lag is measured (0 skips it).")
    var lagRate = 10_000

    @Option(help: "Seconds the lag is measured for.")
    var lagSeconds = 20

    func validate() throws {
        try BenchOption.check(events, "events", 1...100_000_000)
        try BenchOption.check(workspaces, "workspaces", 1...10_000_000)
        try BenchOption.check(campaigns, "campaigns", 1...1_000)
        try BenchOption.check(changeEvery, "change-every", 1...1_000_000)
        try BenchOption.check(batchSize, "projection-batch", 1...ProjectorConfiguration.batchSizeLimit)
        try BenchOption.check(
            catchUpBatchSize, "projection-catch-up-batch", 1...ProjectorConfiguration.catchUpBatchSizeLimit)
        try BenchOption.check(lagRate, "lag-rate", 0...1_000_000)
        try BenchOption.check(lagSeconds, "lag-seconds", 0...86_400)
    }

    func run() async throws {
        var logger = EnvironmentSettings.logger("nps-collector.bench")
        logger.logLevel = .warning
        let options = self
        try await ScratchBenchDatabase.with(logger: logger) { ownerURL, appURL in
            try await withPostgresClient(ownerURL, maximumConnections: 1, logger: logger) { owner in
                try await options.makeBacklog(owner: owner, logger: logger)
            }
            try await withPostgresClient(appURL, maximumConnections: 8, logger: logger) { database in
                try await options.measureFold(database: database, logger: logger)
                try await withPostgresClient(ownerURL, maximumConnections: 1, logger: logger) { owner in
                    try await options.measureWriteFloor(owner: owner, logger: logger)
                }
                if options.lagRate > 0 {
                    try await options.measureLag(database: database, logger: logger)
                }
            }
        }
    }

    private func makeBacklog(owner: PostgresClient, logger: Logger) async throws {
        print("writing \(events) VoteCast events over \(workspaces) workspaces and \(campaigns) campaigns ...")
        let started = ContinuousClock.now
        try await VoteBacklog(workspaces: workspaces, campaigns: campaigns, changeEvery: changeEvery)
            .write(0..<events, owner: owner, logger: logger)
        print("backlog written in \(BenchFigures.format((ContinuousClock.now - started).seconds)) s")
    }

    private func measureFold(database: PostgresClient, logger: Logger) async throws {
        let configuration = ProjectorConfiguration(batchSize: batchSize, catchUpBatchSize: catchUpBatchSize)
        // One read model at a time; the shards of one run at once, each on its own connection, until the
        // whole backlog is folded (a transaction open elsewhere on the cluster can stop one catch-up short).
        // The GROUP BY is timed before the folds as well as after: the first reader of a log
        // written a moment ago is the slower one (see `bench replay`).
        let groupByBefore = try await BenchFigures.seconds(of: VoteBacklog.groupBy, on: database, logger: logger)
        var figures: [(readModel: String, seconds: Double)] = []
        for readModel in ProjectionCatalog.readModels {
            let started = ContinuousClock.now
            try await ProjectionFold.untilCurrent(
                ProjectionCatalog.projections(of: readModel), client: database, configuration: configuration,
                logger: logger)
            figures.append((readModel, (ContinuousClock.now - started).seconds))
        }

        // As `serve` and `project` run them: all at once, each on its own connection.
        let store = ProjectionStore(client: database, logger: logger)
        for readModel in ProjectionCatalog.readModels { try await store.reset(readModel: readModel) }
        let together = ContinuousClock.now
        try await ProjectionFold.untilCurrent(
            ProjectionCatalog.all, client: database, configuration: configuration, logger: logger)
        let togetherSeconds = (ContinuousClock.now - together).seconds

        let groupByAfter = try await BenchFigures.seconds(of: VoteBacklog.groupBy, on: database, logger: logger)
        // The faster is the anchor, which can only make the ratio larger.
        let groupBy = min(groupByBefore, groupByAfter)
        let distinctOn = try await BenchFigures.seconds(
            of: """
                SELECT stream_id, score, count(*) FROM (
                    SELECT DISTINCT ON (stream_id, payload->>'identifier')
                           stream_id, (payload->>'score')::smallint AS score
                      FROM event_log WHERE event_type = 'VoteCast'
                     ORDER BY stream_id, payload->>'identifier', transaction_id DESC, position DESC) AS last_votes
                 GROUP BY 1, 2
                """, on: database, logger: logger)
        let votes =
            try await database.query("SELECT coalesce(sum(votes), 0)::int8 FROM campaign_scores", logger: logger)
            .collect().first?.decode(Int.self) ?? -1
        print(
            "fold from an empty checkpoint, batches of \(batchSize) events growing to \(catchUpBatchSize) while behind:"
        )
        for (readModel, seconds) in figures {
            let shards = ProjectionCatalog.projections(of: readModel).count
            print(
                "  \(readModel) (\(shards) shard\(shards == 1 ? "" : "s")): \(events) events in "
                    + "\(BenchFigures.format(seconds)) s = \(Int(Double(events) / seconds)) events/s"
            )
        }
        let votesSeconds = figures.first { $0.readModel == "votes" }?.seconds ?? .nan
        print(
            """
              all \(ProjectionCatalog.all.count) projections at once: \(events) events in \(BenchFigures.format(togetherSeconds)) s = \
            \(Int(Double(events) / togetherSeconds)) events/s
            current votes counted after the fold: \(votes)
            SQL GROUP BY campaign x workspace x score over the log: \(BenchFigures.format(groupByBefore)) s before \
            the folds, \(BenchFigures.format(groupByAfter)) s after
            SQL DISTINCT ON (last vote per key), then GROUP BY: \(BenchFigures.format(distinctOn)) s
            ratio votes fold / GROUP BY (the faster): \(BenchFigures.format(votesSeconds / groupBy))
            ratio votes fold / DISTINCT ON: \(BenchFigures.format(votesSeconds / distinctOn))
            """
        )
    }

    /// The least a fold that keeps every current vote must write: the last
    /// vote of each key, computed and inserted by one statement into a table
    /// shaped like current_votes (logged, with its primary key), no counts.
    private func measureWriteFloor(owner: PostgresClient, logger: Logger) async throws {
        try await owner.query("CREATE TABLE bench_write_floor (LIKE current_votes INCLUDING ALL)", logger: logger)
        let seconds = try await BenchFigures.seconds(
            of: """
                INSERT INTO bench_write_floor (campaign_id, workspace_id, identifier, score, roles, comment,
                                               first_cast_at, changed_at)
                SELECT DISTINCT ON (stream_id, payload->>'identifier')
                       split_part(stream_id, '/', 2), split_part(stream_id, '/', 3), payload->>'identifier',
                       (payload->>'score')::smallint, payload->'roles', payload->>'comment', recorded_at, recorded_at
                  FROM event_log WHERE event_type = 'VoteCast'
                 ORDER BY stream_id, payload->>'identifier', transaction_id DESC, position DESC
                """, on: owner, logger: logger)
        try await owner.query("DROP TABLE bench_write_floor", logger: logger)
        print(
            "SQL INSERT ... SELECT DISTINCT ON of the current votes into a keyed table: \(BenchFigures.format(seconds)) s"
        )
    }

    /// Uploads `lagRate` votes a second over HTTP for `lagSeconds` while the
    /// projectors run, sampling every 100 ms the age of the oldest event the
    /// votes projection has not applied yet.
    private func measureLag(database: PostgresClient, logger: Logger) async throws {
        let uploadsPerSecond = max(1, lagRate / Limits.votesPerBatch)
        let total = uploadsPerSecond * lagSeconds * Limits.votesPerBatch
        let lagWorkspaces = 100
        let services = CollectorServices(database: database, logger: logger)
        let tokens = try await BenchCampaign.prepare(
            campaignID: "bench-lag", workspaces: lagWorkspaces, services: services)
        let uploads = try ResultsUploads.make(
            votes: total, workspaces: lagWorkspaces, campaignID: "bench-lag", seed: 11)
        let (port, server) = try await BenchServer.start(database: database, logger: logger)
        let projectors = Task {
            try await ProjectorService(
                client: database,
                configuration: ProjectorConfiguration(batchSize: batchSize, catchUpBatchSize: catchUpBatchSize),
                logger: logger
            ).run()
        }
        let store = ProjectionStore(client: database, logger: logger)
        print("uploading \(lagRate) votes/s over HTTP for \(lagSeconds) s while projecting ...")
        let sampler = Task {
            var samples: [Double] = []
            while !Task.isCancelled {
                if let statuses = try? await store.status(of: ProjectionCatalog.projections(of: "votes")),
                    let worst = statuses.map(\.lag.seconds).max()
                {
                    samples.append(worst)
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
            return samples
        }
        let uploadSeconds = try await PacedUploads(
            port: port, campaignID: "bench-lag", uploads: uploads, tokens: tokens, uploadsPerSecond: uploadsPerSecond
        ).run().seconds
        try await Task.sleep(for: .seconds(2))
        sampler.cancel()
        let samples = await sampler.value.sorted()
        projectors.cancel()
        _ = try? await projectors.value
        server.cancel()
        func at(_ fraction: Double) -> String {
            guard !samples.isEmpty else { return "n/a" }
            return BenchFigures.format(samples[min(samples.count - 1, Int(Double(samples.count) * fraction))] * 1000)
        }
        print(
            """
            uploaded \(total) votes in \(BenchFigures.format(uploadSeconds)) s = \(Int(Double(total) / uploadSeconds)) votes/s
            votes projection lag (age of the oldest event a shard has not applied, \(samples.count) samples every 100 ms): \
            p50 \(at(0.5)) ms, p99 \(at(0.99)) ms, max \(at(1.0)) ms
            """
        )
    }
}
