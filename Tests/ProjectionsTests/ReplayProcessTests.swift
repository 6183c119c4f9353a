import EventStore
import Foundation
import NPSDomain
import PostgresNIO
import Projections
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `nps-collector replay` as an operator runs it, killed with SIGKILL in the
/// middle of a rebuild: the live tables are untouched, the next replay
/// resumes and succeeds, and `--clean` leaves no shadow behind.
@Suite("Replay processes killed mid-way", .serialized, .timeLimit(.minutes(5)))
struct ReplayProcessTests {
    @Test("kill -9 mid-rebuild: live answers unchanged; the next replay resumes and succeeds; --clean leaves nothing")
    func killResumeAndClean() async throws {
        _ = try ChildProcess.collectorExecutable()
        try await TestDatabase.with { database in
            try await Backlog(workspaces: 20).append(votes: 60_000, using: database.app, logger: database.logger)
            try await ProjectionCatchUp.untilCurrent(database)
            let live = try await ReadModels.snapshot(database)
            let events = try await database.eventCount()

            try await killMidway(database)
            ReadModels.expectEqual(try await ReadModels.snapshot(database), live)
            #expect(try await shadowSchemas(database) == ["replay_votes"])

            let resumed = try ReplayProcess.start(database, ["votes", "--json"])
            defer { resumed.stop() }
            #expect(try await resumed.wait(timeout: .seconds(120)) == 0, "\(resumed.report)")
            let summary = try JSONValue.parse(Array(lastLine(of: resumed).utf8))
            #expect(summary["readModels"]?.arrayValue?.first?["resumed"] == .bool(true), "\(resumed.report)")
            // Resumed: fewer events folded than the two shards' full pass over the log.
            let folded = summary["events"]?.doubleValue ?? 0
            #expect(folded > 0 && folded < Double(2 * events), "\(resumed.report)")
            #expect(try await shadowSchemas(database).isEmpty)
            ReadModels.expectEqual(try await ReadModels.snapshot(database), live)

            try await killMidway(database)
            let clean = try ReplayProcess.start(database, ["--clean"])
            defer { clean.stop() }
            #expect(try await clean.wait(timeout: .seconds(60)) == 0, "\(clean.report)")
            #expect(try await shadowSchemas(database).isEmpty, "\(clean.report)")
            ReadModels.expectEqual(try await ReadModels.snapshot(database), live)
        }
    }

    /// Starts `replay votes` and kills it once its shards have folded part of the log.
    private func killMidway(_ database: TestDatabase) async throws {
        // Fixed batches: a rebuild batch would fold the rest of the log at once, past the kill.
        let process = try ReplayProcess.start(
            database, ["votes", "--projection-batch", "1000", "--rebuild-batch", "1000"])
        defer {
            process.stop()
            process.removeLog()
        }
        let midway = try await poll(timeout: .seconds(180), every: .milliseconds(10)) { () -> Bool? in
            // The schema is made before its tables: wait for the one read here.
            let made = try await database.owner.query(
                "SELECT to_regclass('replay_votes.projections') IS NOT NULL", logger: database.logger)
            for try await exists in made.decode(Bool.self) where !exists { return nil }
            let rows = try await database.owner.query(
                "SELECT coalesce(sum(events_applied), 0)::int8 FROM replay_votes.projections", logger: database.logger)
            for try await applied in rows.decode(Int.self) where applied >= 5_000 { return true }
            return nil
        }
        #expect(midway == true, "the replay never got mid-way: \(process.report)")
        process.kill(SIGKILL)
        #expect(process.wait() == 128 + SIGKILL, "the replay had ended before the kill: \(process.report)")
    }

    private func lastLine(of process: ChildProcess) -> String {
        process.output().split(separator: "\n").last.map(String.init) ?? ""
    }
}

/// `nps-collector replay` on the test's database, as the owner role.
enum ReplayProcess {
    static func start(_ database: TestDatabase, _ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(
            executable: ChildProcess.collectorExecutable(),
            arguments: ["replay"] + arguments,
            environment: [
                "DATABASE_URL": database.appURL.connectionString,
                "MIGRATE_DATABASE_URL": database.ownerURL.connectionString, "LOG_LEVEL": "warning",
            ]
        )
    }
}
