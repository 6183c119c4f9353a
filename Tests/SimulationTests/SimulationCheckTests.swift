import Foundation
import Ingest
import NPSDomain
import PostgresNIO
import Simulation
import TestSupport
import Testing

/// The simulator against a real collector (its own process, projectors on,
/// simulated clock): what it sent is what the query API answers.
@Suite struct SimulationCheckTests {
    @Test func groundTruthEqualsTheCollectorsAnswers() async throws {
        try await TestDatabase.with { database in
            let token = try await TokenStore(client: database.app, logger: database.logger).create(scope: .admin)
            let server = try await ServerProcess.start(
                database, environment: ["NPS_PROJECTORS": "on", "NPS_SIMULATED_CLOCK": "on"])
            defer { server.stop() }
            let target = try CollectorTarget(url: server.baseURL, adminToken: token.token)
            let now = try await target.clock()
            let start = SimulationSettings.nextMidnight(after: now)
            let plan = SimulationPlan(SimulationSettings(workspaces: 80, campaigns: 2, seed: 16, start: start))

            let report = try await SimulationRun(plan: plan, target: target, connections: 4).run()

            #expect(report.unexpected == 0, "\(report.firstUnexpected)")
            #expect(report.quarantined == 0)
            let truth = report.truth
            #expect(truth.map(\.lostBatches).reduce(0, +) > 0, "some batches are lost")
            #expect(truth.map(\.repeatedBatches).reduce(0, +) > 0, "some batches are sent twice")
            #expect(truth.map(\.optedOut).reduce(0, +) > 0, "some admins opt out")
            #expect(truth.map(\.changedVotes).reduce(0, +) > 0, "some voters change their vote")
            #expect(report.repeats > 0)
            #expect(truth.allSatisfy { $0.votes > 1_000 })

            let check = CollectorCheck(target: target)
            try await check.waitForProjections(timeout: .seconds(120))
            let differences = try await check.differences(truth)
            #expect(differences.isEmpty, "\(differences)")
            let segmentDifferences = try await check.segmentDifferences(truth)
            #expect(segmentDifferences.isEmpty, "\(segmentDifferences)")
            for dimension in CollectorCheck.segmentDimensions {
                #expect(Set(truth[0].workspaces.compactMap { $0.segments[dimension] }).count >= 2, "\(dimension)")
            }

            // The run sent exactly the recorded traffic.
            #expect(report.digest == SimulationRun.record(plan) { _ in }.digest)

            // The check can fail: one vote more than the collector holds is a difference.
            var wrong = truth
            wrong[0].distribution[10] += 1
            #expect(try await check.differences(wrong).count == 3)  // votes, promoters, score 10
            // And a published workspace counted under another version is two differences.
            var moved = truth
            let largest = try #require(
                moved[0].workspaces.indices.max { moved[0].workspaces[$0].votes < moved[0].workspaces[$1].votes })
            moved[0].workspaces[largest].segments["version"] = "9.9"
            let movedDifferences = try await check.segmentDifferences(moved)
            #expect(movedDifferences.count == 2, "\(movedDifferences)")

            // Events carry the simulated time, and the clock never goes back.
            let latest = try await database.owner.query(
                "SELECT max(recorded_at) FROM event_log", logger: database.logger
            )
            .collect().first?.decode(Date.self)
            #expect(try #require(latest) >= plan.phases.last!.at)
            let back = try await target.post("/api/v1/clock", json: #"{"now":"2020-01-01T00:00:00Z"}"#)
            #expect(back.status == 409)
            #expect(back.body?["detail"]?.stringValue?.contains("cannot go back") == true)
        }
    }

    @Test func refusesACollectorOnTheSystemClock() async throws {
        try await TestDatabase.with { database in
            let token = try await TokenStore(client: database.app, logger: database.logger).create(scope: .admin)
            let server = try await ServerProcess.start(database)
            defer { server.stop() }
            let target = try CollectorTarget(url: server.baseURL, adminToken: token.token)
            await #expect(throws: SimulationError.self) { try await target.clock() }
            let move = try await target.post("/api/v1/clock", json: #"{"now":"2030-01-01T00:00:00Z"}"#)
            #expect(move.status == 409)
        }
    }
}
