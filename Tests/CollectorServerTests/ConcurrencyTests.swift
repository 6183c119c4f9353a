import CollectorServer
import EventStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import NPSDomain
import Testing

@Suite("Concurrent uploads over real HTTP")
struct ConcurrencyTests {
    /// The score a voter gives is a function of who they are, so every client
    /// sending the same voter sends the same vote: each must be in the log once.
    static func score(_ voter: Int) -> Int { voter % 11 }

    @Test("16 clients, 8 workspaces, overlapping batches: every acknowledged vote is in the log exactly once")
    func sixteenClients() async throws {
        let workspaces = (0..<8).map { "ws\($0)" }
        try await Collector.with(workspaces: workspaces, framework: .live) { collector in
            try await collector.campaign("c1")
            let port = try #require(collector.client.port)
            let acknowledged = try await withThrowingTaskGroup(of: [String: Set<Int>].self) { group in
                for clientIndex in 0..<16 {
                    group.addTask {
                        let workspace = workspaces[clientIndex % 8]
                        let client = TestClient(
                            host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(60)))
                        client.connect()
                        defer { Task { try? await client.shutdown() } }
                        var acknowledged: Set<Int> = []
                        for batch in 0..<8 {
                            // Two clients share each workspace; their batches overlap by half.
                            let first = batch * 50 + (clientIndex / 8) * 25
                            let voters = Array(first..<first + 50)
                            let body = Votes.batch(voters.map { Votes.item($0, score: Self.score($0)) })
                            let status = try await client.execute(
                                .init(
                                    "/v1/surveys/c1/results",
                                    method: .post,
                                    headers: [
                                        .authorization: "Bearer \(collector.token(workspace))",
                                        .contentType: "application/json",
                                    ],
                                    body: ByteBuffer(string: body)
                                )
                            ).status
                            if status == .ok { acknowledged.formUnion(voters) }
                        }
                        return [workspace: acknowledged]
                    }
                }
                return try await group.reduce(into: [String: Set<Int>]()) { all, next in
                    all.merge(next) { $0.union($1) }
                }
            }
            #expect(acknowledged.values.reduce(0) { $0 + $1.count } == 8 * 425)

            var logged: [String: [String]] = [:]
            for vote in try await collector.logRows() where vote.type == "VoteCast" {
                let workspace = try #require(VoteCast.ids(inStream: vote.stream)?.workspaceID)
                logged[workspace, default: []].append(vote.payload["identifier"]!.stringValue!)
            }
            for (workspace, voters) in acknowledged {
                let identifiers = logged[workspace] ?? []
                #expect(identifiers.count == Set(identifiers).count, "a vote of \(workspace) was logged twice")
                #expect(Set(identifiers) == Set(voters.map(Votes.identifier)), "\(workspace) lost or gained votes")
            }
        }
    }
}
