import ArgumentParser
import EventStore
import Foundation
import Logging
import NPSDomain
import PostgresNIO
import Projections

/// `nps-collector bench append`: the append path against PostgreSQL's COPY,
/// the fastest way rows get into the same table with the same indexes.
struct BenchAppend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append vote-sized events through EventLog.append and COPY the same rows; print both rates."
    )

    @Option(help: "Events to append.")
    var events = 1_000_000

    @Option(help: "Events per append call.")
    var batch = 1_000

    @Option(help: "Concurrent appending connections.")
    var writers = 2

    @Option(help: "Streams the events are spread over.")
    var streams = 1_000

    func validate() throws {
        try BenchOption.check(events, "events", 1...100_000_000)
        try BenchOption.check(batch, "batch", 1...100_000)
        try BenchOption.check(writers, "writers", 1...256)
        try BenchOption.check(streams, "streams", 1...10_000_000)
    }

    func run() async throws {
        let logger = EnvironmentSettings.logger("nps-collector.bench")
        try await ScratchBenchDatabase.with(logger: logger) { owner, app in
            try await measure(ownerURL: owner, appURL: app, logger: logger)
        }
    }

    private func measure(ownerURL: DatabaseURL, appURL: DatabaseURL, logger: Logger) async throws {
        print("generating \(events) vote-sized events over \(streams) streams ...")
        let batches = try VoteFixtures.batches(events: events, batchSize: batch, streams: streams)
        let payloadBytes = batches.reduce(0) { $0 + $1.events.reduce(0) { $0 + $1.payload.utf8.count } }
        print("average payload: \(payloadBytes / max(events, 1)) bytes")

        try await withPostgresClient(ownerURL, maximumConnections: 2, logger: logger) { owner in
            try await owner.query("CREATE TABLE event_log_copy (LIKE event_log INCLUDING ALL)", logger: logger)
        }

        let appendSeconds = try await withPostgresClient(appURL, maximumConnections: writers, logger: logger) {
            client in
            let log = EventLog(client: client, logger: logger)
            let writers = self.writers
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        for index in stride(from: writer, to: batches.count, by: writers) {
                            try await log.append(batches[index].events, to: batches[index].stream)
                        }
                    }
                }
                try await group.waitForAll()
            }
            return (ContinuousClock.now - start).seconds
        }

        let (copySeconds, bytesPerEvent) = try await withPostgresClient(
            ownerURL,
            maximumConnections: 1,
            logger: logger
        ) { owner in
            let start = ContinuousClock.now
            try await owner.withConnection { connection in
                try await connection.copyFrom(
                    table: "event_log_copy",
                    columns: [
                        "event_id", "stream_id", "stream_version", "event_type", "schema_version", "payload",
                        "metadata",
                    ],
                    logger: logger
                ) { writer in
                    for batch in batches {
                        try await writer.write(ByteBuffer(string: VoteFixtures.copyText(batch)))
                    }
                }
            }
            let seconds = (ContinuousClock.now - start).seconds
            let size =
                try await owner.query(
                    "SELECT pg_total_relation_size('event_log')::float8 / greatest(count(*), 1) FROM event_log",
                    logger: logger
                ).collect().first?.decode(Double.self) ?? 0
            return (seconds, size)
        }

        let appendRate = Double(events) / appendSeconds
        let copyRate = Double(events) / copySeconds
        print(
            """
            append (EventLog.append, \(writers) writers, batches of \(batch)): \
            \(events) events in \(BenchFigures.format(appendSeconds)) s = \(Int(appendRate)) events/s
            COPY (one connection, same rows, same indexes): \
            \(events) events in \(BenchFigures.format(copySeconds)) s = \(Int(copyRate)) events/s
            ratio append/COPY: \(BenchFigures.format(appendRate / copyRate))
            log size: \(Int(bytesPerEvent)) bytes per event (table and indexes)
            """
        )
    }

}
