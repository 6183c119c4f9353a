import EventStore
import Foundation
import NPSDomain
import PostgresNIO
import Projections
import TestSupport
import Testing

/// Three collector processes and three projector processes on one database,
/// under a fleet's uploads; one of each is killed (-9) and restarted twice at
/// random moments. The read models must end equal to what the fleet sent.
@Suite("Several collector and projector processes", .serialized)
struct ScaleOutTests {
    /// What the fleet sent: the last score of each voter, and the batches to send.
    struct Fleet {
        var batches: [(workspace: String, body: String)] = []
        var finalScores: [String: Int] = [:]

        init(workspaces: [String], votersPerWorkspace: Int, batchSize: Int, seed: UInt64) {
            var random = SplitMix64(seed: seed)
            for workspace in workspaces {
                var items: [String] = []
                for voter in 0..<votersPerWorkspace {
                    let score = Int.random(in: 0...10, using: &random)
                    items.append(Votes.item(voter, score: score))
                    finalScores["\(workspace)/\(voter)"] = score
                }
                // A few voters change their minds in a later batch.
                for voter in stride(from: 0, to: votersPerWorkspace, by: 17) {
                    let score = Int.random(in: 0...10, using: &random)
                    items.append(Votes.item(voter, score: score))
                    finalScores["\(workspace)/\(voter)"] = score
                }
                for start in stride(from: 0, to: items.count, by: batchSize) {
                    let batch = Votes.batch(Array(items[start..<min(start + batchSize, items.count)]))
                    batches.append((workspace, batch))
                    // A stuck batch: sent twice.
                    if Int.random(in: 0..<5, using: &random) == 0 { batches.append((workspace, batch)) }
                }
            }
        }

        var expectedCounts: [Int] {
            var counts = Array(repeating: 0, count: 11)
            for score in finalScores.values { counts[score] += 1 }
            return counts
        }
    }

    @Test("3 collectors and 3 projectors, one of each killed twice: the read models equal what was sent")
    func killAndRestart() async throws {
        let workspaces = (1...12).map { "scale-ws\($0)" }
        // The servers are processes of their own, on the system clock: the collector here starts at the same time.
        try await Collector.with(workspaces: workspaces, clock: SimulatedClock()) { collector in
            try await collector.campaign("scale-c1")
            let seed = UInt64.random(in: 0...UInt64.max)
            let fleet = Fleet(workspaces: workspaces, votersPerWorkspace: 400, batchSize: 150, seed: seed)
            let appURL = collector.database.appURL
            var started: [ServerProcess] = []
            for _ in 0..<3 { started.append(try await ServerProcess.start(collector.database)) }
            let collectors = Locked(started)
            let projectors = Locked(try (0..<3).map { _ in try startProjector(appURL) })
            defer {
                for process in collectors.value { process.stop() }
                for process in projectors.value { process.stop() }
            }

            // Each workspace sends its batches in order, all workspaces at once;
            // meanwhile one collector and one projector are killed at two moments.
            var random = SplitMix64(seed: seed)
            let killPoints = (0..<2).map { round in
                fleet.batches.count * (round * 2 + 1) / 5
                    + Int.random(in: 0..<(fleet.batches.count / 10), using: &random)
            }
            let victims = (0..<4).map { _ in Int.random(in: 0..<3, using: &random) }
            let sent = Locked(0)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for workspace in workspaces {
                    let batches = fleet.batches.filter { $0.workspace == workspace }.map(\.body)
                    let token = collector.token(workspace)
                    group.addTask {
                        for (index, body) in batches.enumerated() {
                            try await upload(
                                body, workspace: workspace, token: token, collectors: collectors, first: index)
                            sent.update { $0 += 1 }
                        }
                    }
                }
                group.addTask {
                    for (round, point) in killPoints.enumerated() {
                        while sent.value < point { try await Task.sleep(for: .milliseconds(5)) }
                        let old = collectors.value[victims[round * 2]]
                        old.process.kill(SIGKILL)
                        old.process.wait()
                        let restarted = try await ServerProcess.start(collector.database, port: old.port)
                        collectors.update { $0[victims[round * 2]] = restarted }
                        let projector = projectors.value[victims[round * 2 + 1]]
                        projector.kill(SIGKILL)
                        projector.wait()
                        let replacement = try startProjector(appURL)
                        projectors.update { $0[victims[round * 2 + 1]] = replacement }
                    }
                }
                try await group.waitForAll()
            }
            #expect(sent.value == fleet.batches.count)

            let store = ProjectionStore(client: collector.database.app, logger: collector.database.logger)
            let deadline = ContinuousClock.now + .seconds(120)
            var statuses = try await store.status()
            while statuses.contains(where: { $0.lag.events > 0 }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                statuses = try await store.status()
            }
            #expect(statuses.allSatisfy { $0.lag.events == 0 }, "seed \(seed): \(statuses.map(\.summary))")
            #expect(projectors.value.allSatisfy { $0.isRunning }, "a projector process died on its own")

            let rows = try await collector.database.app.query(
                "SELECT score, sum(votes)::int8 FROM campaign_scores WHERE campaign_id = 'scale-c1' GROUP BY score",
                logger: collector.database.logger)
            var counts = Array(repeating: 0, count: 11)
            for try await (score, votes) in rows.decode((Int, Int).self) { counts[score] = votes }
            #expect(counts == fleet.expectedCounts, "seed \(seed)")
            let current = try await collector.database.app.query(
                "SELECT count(*)::int8 FROM listed_votes WHERE campaign_id = 'scale-c1'",
                logger: collector.database.logger
            ).collect().first?.decode(Int.self)
            #expect(current == fleet.finalScores.count, "seed \(seed)")
        }
    }

    func startProjector(_ url: DatabaseURL) throws -> ChildProcess {
        try ChildProcess(
            executable: ChildProcess.collectorExecutable(), arguments: ["project", "--projection-batch", "500"],
            environment: ["DATABASE_URL": url.connectionString, "LOG_LEVEL": "warning"])
    }

    /// As a workspace does: sends the batch, and on a refused connection or a
    /// 5xx sends it again (to the next collector behind the balancer) until
    /// one accepts it.
    func upload(
        _ body: String, workspace: String, token: String, collectors: Locked<[ServerProcess]>, first: Int
    ) async throws {
        let deadline = ContinuousClock.now + .seconds(180)
        var attempt = first
        while true {
            let all = collectors.value
            let target = all[attempt % all.count]
            // curl in a process of its own, not URLSession: on Linux a URLSession
            // request to a collector killed mid-request could wait forever
            // (its socket left in CLOSE-WAIT, its timeout never firing).
            if let answer = try? await Curl.send(
                "POST", "\(target.baseURL)/v1/surveys/scale-c1/results", token: token, body: body, maxTime: 10)
            {
                if answer.status == 200 { return }
                #expect(answer.status >= 500, "workspace \(workspace) got \(answer.status)")
                if answer.status < 500 { return }
            }
            guard ContinuousClock.now < deadline else {
                Issue.record("no collector accepted a batch of \(workspace) within 180 s")
                return
            }
            attempt += 1
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
