import EventStore
import Foundation
import Projections
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `nps-collector project` processes over a large backlog, killed with
/// SIGKILL in the middle of it: whatever happens to a process, every event
/// is applied exactly once, and the read models equal a fold from scratch.
/// A projector folds only events older than the oldest transaction still open in the whole
/// cluster (`event_batch_end`), and the suite shares its cluster with suites that hold
/// transactions open (the out-of-order writers, the replays, the benchmarks' smoke runs). So a
/// process can stand still for minutes under the full suite: the polls wait up to five, and the
/// first process counts as mid-way after one batch.
@Suite("Projector processes killed mid-way", .serialized, .timeLimit(.minutes(8)))
struct ProjectorProcessTests {
    @Test("kill -9 mid-way through 30,000 events, then a new process finishes: equal to a fold from scratch")
    func killAndRestart() async throws {
        _ = try ChildProcess.collectorExecutable()
        try await TestDatabase.with { database in
            try await Backlog().append(votes: 30_000, using: database.app, logger: database.logger)
            let events = try await database.eventCount()

            // Batches of 100 keep it mid-way (a batch applied, 10,000 still to go) for some 200 batches
            // rather than a handful: with batches of 2,000, a loaded machine's slow polls could miss the
            // half second in which it was mid-way (seen once, under a concurrent build and suite). Under
            // the full suite it once stood still past a 180 s poll (see the suite).
            let first = try ProjectProcess.start(database, batchSize: 100)
            defer {
                first.stop()
                first.removeLog()
            }
            let midway = try await poll(timeout: .seconds(300), every: .milliseconds(20)) {
                () -> ProjectionStatus? in
                try await projectionStatus(database).values.first { status in
                    votesProjections.contains(status.name) && status.eventsApplied >= 100
                        && status.lag.events >= 10_000
                }
            }
            let votes = try #require(midway, "never saw the votes projection mid-way; \(first.report)")
            first.kill(SIGKILL)
            #expect(first.wait() == 128 + SIGKILL)
            let afterKill = try #require(try await projectionStatus(database)[votes.name])
            #expect(afterKill.eventsApplied < events, "\(votes.name) had finished before the kill")

            let second = try ProjectProcess.start(database, batchSize: 2_000)
            defer {
                second.stop()
                second.removeLog()
            }
            let caughtUp = try await waitUntilCaughtUp(database, ownedBy: second)
            for status in caughtUp.values {
                #expect(status.state == .running, "\(status.summary)")
                #expect(status.eventsApplied == Int64(events), "not every event applied once: \(status.summary)")
            }
            #expect(caughtUp[votes.name]?.checkpoint ?? .beginning > afterKill.checkpoint)

            second.kill(SIGTERM)
            let status = try await second.wait(timeout: .seconds(120))
            #expect(status == 0, "SIGTERM did not end the process cleanly: \(second.report)")
            try await expectNoOwner(database)

            let projected = try await ReadModels.snapshot(database)
            #expect(projected["current_votes"]?.count == Backlog().distinctKeys(votes: 30_000))
            ReadModels.expectEqual(projected, try await ReadModels.foldFromScratch(database))
        }
    }

    @Test("two processes over 40,000 votes; kill -9 of the votes owner: the other takes over and finishes")
    func twoProcesses() async throws {
        _ = try ChildProcess.collectorExecutable()
        try await TestDatabase.with { database in
            try await Backlog().append(votes: 40_000, using: database.app, logger: database.logger)
            let events = try await database.eventCount()

            let processes = [
                try ProjectProcess.start(database, batchSize: 2_000),
                try ProjectProcess.start(database, batchSize: 2_000),
            ]
            defer {
                for process in processes {
                    process.stop()
                    process.removeLog()
                }
            }
            // The owner of a votes projection (a shard, if it has several) that is mid-way.
            let owner = try await poll(timeout: .seconds(300), every: .milliseconds(20)) {
                () -> (process: ChildProcess, projection: String)? in
                for status in try await projectionStatus(database).values
                where votesProjections.contains(status.name) && status.eventsApplied >= 2_000
                    && status.lag.events >= 10_000
                {
                    if let process = processes.first(where: { status.owner?.hasSuffix("/\($0.pid)") == true }) {
                        return (process, status.name)
                    }
                }
                return nil
            }
            let (killed, votes) = try #require(
                owner, "never saw the votes projection mid-way under one of the two processes; \(processes[0].report)"
            )
            let survivor = try #require(processes.first { $0 !== killed })
            #expect(survivor.isRunning, "the second process did not keep running: \(survivor.report)")
            killed.kill(SIGKILL)
            #expect(killed.wait() == 128 + SIGKILL)

            let caughtUp = try await waitUntilCaughtUp(database, ownedBy: survivor)
            for status in caughtUp.values {
                #expect(status.state == .running, "\(status.summary)")
                #expect(status.eventsApplied == Int64(events), "not every event applied once: \(status.summary)")
            }
            let tookOver = survivor.output().split(separator: "\n").contains { line in
                line.contains("projection=\(votes) ") && line.contains("took ownership")
            }
            #expect(tookOver, "the survivor's log does not show it taking \(votes) over: \(survivor.report)")

            survivor.kill(SIGTERM)
            let status = try await survivor.wait(timeout: .seconds(120))
            #expect(status == 0, "SIGTERM did not end the process cleanly: \(survivor.report)")
            try await expectNoOwner(database)

            let projected = try await ReadModels.snapshot(database)
            #expect(projected["current_votes"]?.count == Backlog().distinctKeys(votes: 40_000))
            ReadModels.expectEqual(projected, try await ReadModels.foldFromScratch(database))
        }
    }
}
