import CollectorServer
import EventStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import NPSDomain
import Projections
import TestSupport
import Testing

/// Readers never see a read model half built: while every read model is
/// rebuilt and swapped in, twice, a loop of queries (the query API's
/// summary and the projections over HTTP, and the campaign summary query
/// itself) gets no error and only whole answers, with the live projectors running as `serve` runs them.
@Suite("Queries during a full replay", .timeLimit(.minutes(5)))
struct ReplayDuringQueriesTests {
    @Test("a query loop during replay --all (twice) sees no error and only complete figures")
    func queriesDuringReplay() async throws {
        try await TestDatabase.with { database in
            let services = CollectorServices(database: database.app, logger: database.logger)
            let adminToken = try await services.tokens.create(scope: .admin).token
            _ = try await services.campaigns.announce(
                .init(id: "c1", startAt: Date().addingTimeInterval(-60), expireAt: Date().addingTimeInterval(3_600)),
                allowShortNotice: true, metadata: .init(sender: "test"))
            for workspace in (0..<10).map({ "ws\($0)" }) {
                _ = try await services.workspaces.register(workspace, metadata: .init(sender: "test"))
                for batch in 0..<3 {
                    let votes = SampleEvents.votes(1_000, campaign: "c1", workspace: workspace)
                    try await database.log.append(
                        Array(votes[(batch * 1_000 / 3)..<((batch + 1) * 1_000 / 3)]), to: "votes/c1/\(workspace)")
                }
            }
            try await ProjectionCatchUp.untilCurrent(database)
            let query = CampaignSummaryQuery(client: database.app, logger: database.logger)
            let expected = try #require(try await query.summary(of: "c1"))
            #expect(expected.distribution.n == 10_000 && expected.votingWorkspaces == 10)

            var application = Application(router: buildRouter(database: database.app, logger: database.logger))
            application.addServices(
                ProjectorService(
                    client: database.app, configuration: ProjectorConfiguration(pollInterval: .milliseconds(100)),
                    logger: database.logger))
            try await application.test(.live) { client in
                let finished = Locked(false)
                let replays = Task {
                    defer { finished.set(true) }
                    for _ in 0..<2 {
                        for readModel in ProjectionCatalog.readModels {
                            _ = try await ReadModelReplay(
                                readModel: readModel, owner: database.ownerURL,
                                configuration: ProjectorConfiguration(batchSize: 1_000), logger: database.logger
                            ).run(.swap)
                        }
                    }
                }
                var answers = 0
                var problems: [String] = []
                while !finished.value || answers == 0 {
                    do {
                        let summary = try await query.summary(of: "c1")
                        if summary != expected { problems.append("incomplete summary: \(String(describing: summary))") }
                        let problem = try await client.execute(
                            uri: "/api/v1/projections", method: .get, headers: [.authorization: "Bearer \(adminToken)"]
                        ) { response -> String? in
                            let body = try? JSONValue.parse(Array(String(buffer: response.body).utf8))
                            guard response.status == .ok, body?.arrayValue?.count == ProjectionCatalog.all.count else {
                                return "projections: \(response.status) \(String(buffer: response.body))"
                            }
                            return nil
                        }
                        if let problem { problems.append(problem) }
                        let summaryProblem = try await client.execute(
                            uri: "/api/v1/campaigns/c1/summary", method: .get,
                            headers: [.authorization: "Bearer \(adminToken)"]
                        ) { response -> String? in
                            let body = try? JSONValue.parse(Array(String(buffer: response.body).utf8))
                            guard response.status == .ok, body?["votes"] == .number(Double(expected.distribution.n)),
                                body?["promoters"] == .number(Double(expected.distribution.promoters))
                            else { return "summary: \(response.status) \(String(buffer: response.body))" }
                            return nil
                        }
                        if let summaryProblem { problems.append(summaryProblem) }
                        answers += 1
                    } catch {
                        problems.append("\(String(reflecting: error))")
                        // A failing read answers at once: pause, and give up
                        // after a few rather than spin until the time limit.
                        if problems.count >= 20 {
                            replays.cancel()
                            break
                        }
                        try await Task.sleep(for: .milliseconds(100))
                    }
                }
                try await replays.value
                #expect(problems.isEmpty, "\(problems.count) bad answers of \(answers): \(problems.prefix(5))")
                #expect(answers >= 10, "too few answers during the replays to mean anything: \(answers)")
            }
            #expect(try await query.summary(of: "c1") == expected)
        }
    }
}
