import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import NPSDomain
import PostgresNIO
import TestSupport
import Testing

@testable import CollectorServer

/// Raw statistics documents live outside the log, for a retention period;
/// a purge takes them with the rest of the workspace.
@Suite("Raw statistics documents: retention and purge")
struct StatisticsStorageTests {
    @Test("documents older than the retention period are deleted, by the collector's clock; newer ones stay")
    func retention() async throws {
        try await Collector.with { collector in
            let report = { (id: String) in #"{"_id":"\#(id)","uniqueId":"ws1","version":"7.6.2"}"# }
            #expect(
                try await collector.request(.post, "/", token: collector.token(), body: report("old")).status == .ok)
            try collector.advance(by: 20 * 86_400)
            #expect(
                try await collector.request(.post, "/", token: collector.token(), body: report("new")).status == .ok)
            try collector.advance(by: 11 * 86_400)

            let documents = StatisticsDocuments(client: collector.database.app, logger: collector.database.logger)
            let service = StatisticsRetentionService(
                documents: documents, retention: TimeInterval(StatisticsDocuments.defaultRetentionDays * 86_400),
                clock: collector.clock, logger: collector.database.logger)
            await service.prune()
            #expect(try await collector.statisticsDocuments().map { $0.document["_id"] } == [.string("new")])
            // The log keeps the profile: retention never touches it.
            #expect(try await collector.eventCounts()["WorkspaceProfileChanged"] == 1)
        }
    }

    @Test("a purge deletes the workspace's raw documents, and only its own")
    func purge() async throws {
        try await Collector.with(workspaces: ["ws1", "ws2"]) { collector in
            for workspace in ["ws1", "ws2"] {
                let answer = try await collector.request(
                    .post, "/", token: collector.token(workspace),
                    body: #"{"uniqueId":"\#(workspace)","version":"8.0.1"}"#)
                #expect(answer.status == .ok)
            }
            _ = try await WorkspacePurge(owner: collector.database.owner, logger: collector.database.logger)
                .purge("ws1", requestedBy: "test:operator")
            let documents = StatisticsDocuments(client: collector.database.app, logger: collector.database.logger)
            #expect(try await documents.count(of: "ws1") == 0)
            #expect(try await documents.count(of: "ws2") == 1)
            #expect(
                try await collector.payloads("WorkspaceProfileChanged").map { $0["workspaceID"] } == [.string("ws2")])
        }
    }
}
