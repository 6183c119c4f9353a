import CollectorServer
import EventStore
import Foundation
import HTTPTypes
import Ingest
import NPSDomain
import PostgresNIO
import Projections
import TestSupport
import Testing

/// Privacy erasure of one workspace: its events leave the log through the
/// one audited function, a tombstone stays, every read model is rebuilt
/// without it, the other workspace's figures are unchanged, its token is dead.
@Suite("Workspace purge", .timeLimit(.minutes(5)))
struct PurgeTests {
    @Test("purge ws1: gone from the log, the write side and every read model; ws2 unchanged; tombstone; token revoked")
    func purge() async throws {
        // k = 1: the few votes of this scenario are all shown, so that the
        // exports and pages can be seen to name ws1 before and not after.
        try await Collector.with(workspaces: ["ws1", "ws2"], privacy: PrivacyThreshold(k: 1)) { collector in
            let database = collector.database
            try await collector.campaign("c1")
            for workspace in ["ws1", "ws2"] {
                _ = try await collector.sync(workspace, npsEnabled: true)
                try await collector.statistics(workspace, #""activeUsers":10"#)
                try await collector.showSurvey("c1", to: workspace)
            }
            try await collector.expectUpload(
                "c1", "ws1", accepted: 3,
                [Votes.item(1, score: 9), Votes.item(2, score: 3, roles: ["admin"]), Votes.item(3, score: 10)],
                total: 3)
            try await collector.expectUpload("c1", "ws1", accepted: 1, [Votes.item(2, score: 4)], total: 3)
            let quarantined = try await collector.upload("c1", Votes.batch([#"{"identifier":"x","score":11}"#]))
            #expect(quarantined.status == .ok)
            try await collector.expectUpload(
                "c1", "ws2", accepted: 2, [Votes.item(1, score: 8), Votes.item(2, score: 0)], total: 2)
            try await ProjectionCatchUp.untilCurrent(database)

            let exportBefore = try await collector.request(
                .get, "/api/v1/campaigns/c1/votes.csv", token: collector.adminToken)
            #expect(exportBefore.body.contains("ws1") && exportBefore.body.contains("ws2"))
            let ws2Before = try await rowsNaming("ws2", database)
            let ws1Events = try await eventsNaming("ws1", database)
            let ws1Rows = try await rowsNaming("ws1", database)
            #expect(ws1Events > 5 && !ws1Rows.isEmpty)

            let outcome = try await WorkspacePurge(owner: database.owner, logger: database.logger)
                .purge("ws1", requestedBy: "test:operator")
            #expect(outcome.purgedEvents == ws1Events)
            for readModel in ProjectionCatalog.readModels {
                _ = try await ReadModelReplay(
                    readModel: readModel, owner: database.ownerURL, configuration: ProjectorConfiguration(),
                    logger: database.logger
                ).run(.swap)
            }

            // The log: only the tombstone names ws1, and it says who and how many; of the streams'
            // heads, only that of the stream holding the tombstone, which names it.
            #expect(try await eventsNaming("ws1", database) == 0)
            let heads = try await database.owner.query(
                """
                SELECT h.stream_id, e.event_type FROM stream_heads h JOIN event_log e ON e.position = h.last_position
                 WHERE h.stream_id LIKE '%/ws1' ORDER BY 1
                """, logger: database.logger
            ).collect().map { try $0.decode((String, String).self) }
            #expect(heads.map(\.0) == ["workspace/ws1"] && heads.map(\.1) == ["WorkspacePurged"])
            let tombstones = try await database.app.query(
                "SELECT event_id, schema_version, payload::text FROM event_log WHERE event_type = 'WorkspacePurged'",
                logger: database.logger
            ).collect()
            #expect(tombstones.count == 1)
            let (tombstoneID, version, payload) = try #require(tombstones.first).decode((UUID, Int16, String).self)
            #expect(tombstoneID == outcome.tombstoneID)
            let tombstone = try EventDecoder().decode(WorkspacePurged.self, Int(version), payload)
            #expect(
                tombstone == WorkspacePurged(workspaceID: "ws1", purgedEvents: ws1Events, requestedBy: "test:operator"))
            let audit = try await database.app.query(
                "SELECT workspace_id, requested_by, tombstone_id FROM event_log_purges", logger: database.logger
            ).collect()
            let (purged, requestedBy, auditedTombstone) = try #require(audit.first).decode((String, String, UUID).self)
            #expect(audit.count == 1 && purged == "ws1" && requestedBy == "test:operator")
            #expect(auditedTombstone == outcome.tombstoneID)

            // Every read model and the write side: nothing of ws1; ws2 exactly as before.
            #expect(try await rowsNaming("ws1", database) == [])
            #expect(try await rowsNaming("ws2", database) == ws2Before)
            let c1 = try #require(
                try await CampaignSummaryQuery(client: database.app, logger: database.logger).summary(of: "c1"))
            #expect(c1.distribution.counts == [1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0])
            #expect(c1.votingWorkspaces == 1 && c1.roles.keys.sorted() == ["user"])
            for (table, column) in [("vote_keys", "workspace_id"), ("quarantine", "workspace_id")] {
                #expect(try await ReadModels.count(table, owner: database, where: "\(column) = 'ws1'") == 0)
            }

            // What the product team sees: the exports and the dashboard never name ws1 again.
            for path in [
                "/api/v1/campaigns/c1/votes.csv", "/api/v1/campaigns/c1/workspaces.csv", "/api/v1/campaigns/c1/votes",
                "/api/v1/campaigns/c1/workspaces", "/dashboard/campaigns/c1",
            ] {
                let answer = try await collector.request(.get, path, token: collector.adminToken)
                #expect(answer.status == .ok, "\(path): \(answer.status)")
                #expect(!answer.body.contains("ws1"), "\(path) still names ws1")
            }
            let exportAfter = try await collector.request(
                .get, "/api/v1/campaigns/c1/votes.csv", token: collector.adminToken)
            #expect(exportAfter.body.contains("ws2"))
            let workspacePage = try await collector.request(.get, "/api/v1/workspaces/ws1", token: collector.adminToken)
            #expect(workspacePage.status == .notFound)

            // Its token is revoked; ws2's still works.
            let refused = try await collector.upload("c1", Votes.batch([Votes.item(9, score: 9)]), workspace: "ws1")
            #expect(refused.status == .unauthorized)
            let sync = try await collector.sync("ws1", npsEnabled: true)
            #expect(sync.status == .unauthorized)
            try await collector.expectUpload("c1", "ws2", accepted: 1, [Votes.item(3, score: 7)], total: 3)
        }
    }

    @Test("a purge is visible at once: no cached answer and no 304 shows the purged workspace after it")
    func purgeIsVisibleAtOnce() async throws {
        try await Collector.with(workspaces: ["ws1", "ws2"], privacy: PrivacyThreshold(k: 1)) { collector in
            let database = collector.database
            try await collector.campaign("c1")
            try await collector.expectUpload(
                "c1", "ws1", accepted: 2, [Votes.item(1, score: 9, comment: "said in ws1"), Votes.item(2, score: 3)],
                total: 2)
            try await collector.expectUpload("c1", "ws2", accepted: 1, [Votes.item(1, score: 8)], total: 1)
            try await ProjectionCatchUp.untilCurrent(database)
            func votes(ifNoneMatch tag: String? = nil) async throws -> Collector.Answer {
                var headers = HTTPFields()
                if let tag { headers[.ifNoneMatch] = tag }
                return try await collector.request(
                    .get, "/api/v1/campaigns/c1/votes", token: collector.adminToken, headers: headers)
            }
            let before = try await votes()
            #expect(before.body.contains("said in ws1"))

            // The purge, then the live projectors fold its tombstone before the replay runs: an
            // answer computed now still holds ws1 (the read models do) and is kept for this version.
            _ = try await WorkspacePurge(owner: database.owner, logger: database.logger)
                .purge("ws1", requestedBy: "test:operator")
            try await ProjectionCatchUp.untilCurrent(database)
            let between = try await votes()
            let betweenTag = try #require(between.headers[.eTag])
            #expect(betweenTag != before.headers[.eTag])
            for readModel in ProjectionCatalog.readModels {
                _ = try await ReadModelReplay(
                    readModel: readModel, owner: database.ownerURL, configuration: ProjectorConfiguration(),
                    logger: database.logger
                ).run(.swap)
            }

            // The replay may end at the very checkpoint the live projections had reached; the answers'
            // version moves anyway, so neither the kept answer nor a 304 survives it once the
            // collector has been told (the replay's swap notifies, as the purge did).
            await ChangeListeners.delivered(database)
            for tag in [betweenTag, before.headers[.eTag] ?? ""] {
                let after = try await votes(ifNoneMatch: tag)
                #expect(after.status == .ok && after.headers[.eTag] != tag)
                #expect(!after.body.contains("said in ws1") && !after.body.contains("ws1"))
                #expect(after.body.contains("ws2"))
            }
        }
    }

    @Test("the log's triggers let a purge take only the events of the workspace it recorded, and nothing without one")
    func purgeIsScoped() async throws {
        try await TestDatabase.with { database in
            try await database.log.append(SampleEvents.votes(3, workspace: "ws1"), to: "votes/c1/ws1")
            try await database.log.append(SampleEvents.votes(2, workspace: "ws2"), to: "votes/c1/ws2")
            // The application role may not purge at all.
            await #expect(throws: PSQLError.self) {
                try await WorkspacePurge(owner: database.app, logger: database.logger).purge("ws1", requestedBy: "app")
            }
            // By hand, as the owner, with a purge recorded for ws1: ws2's events stay.
            let error = try await #require(throws: PSQLError.self) {
                try await database.owner.withConnection { connection in
                    try await connection.inTransaction(logger: database.logger) { connection in
                        try await connection.query(
                            """
                            INSERT INTO event_log_purges (workspace_id, requested_by, tombstone_id)
                            VALUES ('ws1', 'by hand', gen_random_uuid())
                            """, logger: database.logger)
                        try await connection.query("DELETE FROM event_log", logger: database.logger)
                    }
                }
            }
            #expect(error.serverInfo?[.sqlState] == "NP002")
            #expect(try await database.eventCount() == 5)
            // The audit cannot be rewritten either.
            await #expect(throws: PSQLError.self) {
                _ = try await database.owner.query("DELETE FROM event_log_purges", logger: database.logger)
            }
            let outcome = try await WorkspacePurge(owner: database.owner, logger: database.logger)
                .purge("ws1", requestedBy: "test")
            #expect(outcome.purgedEvents == 3)
            #expect(try await database.eventCount() == 3)  // ws2's two and the tombstone
        }
    }
}

/// How many events of the log are the workspace's (in their payload or, for votes, their stream id), tombstones
/// aside: said here apart from `event_workspace_id`, which the purge deletes by, so that a miss of it shows.
private func eventsNaming(_ workspace: String, _ database: TestDatabase) async throws -> Int {
    try await ReadModels.count(
        "event_log", owner: database,
        where: """
            (payload->>'workspaceID' = '\(workspace)' OR stream_id LIKE 'votes/%/\(workspace)')
            AND event_type <> 'WorkspacePurged'
            """)
}

/// Every row of every read model (tables and views) that names the
/// workspace, as text, sorted: read from the catalog, so a read model added
/// later is checked too.
private func rowsNaming(_ workspace: String, _ database: TestDatabase) async throws -> [String] {
    let relations = try await database.owner.query(
        """
        SELECT c.relname::text FROM pg_class c
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'workspace_id' AND NOT a.attisdropped
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v')
           AND c.relname NOT IN ('api_tokens', 'vote_keys', 'quarantine', 'event_log_purges')
         ORDER BY 1
        """, logger: database.logger)
    var names: [String] = []
    for try await name in relations.decode(String.self) { names.append(name) }
    #expect(names.count >= 6, "read models with a workspace_id column: \(names)")
    var rows: [String] = []
    for name in names {
        let found = try await database.owner.query(
            "SELECT \(name) || ': ' || to_jsonb(t)::text FROM \(unescaped: name) t WHERE t.workspace_id = \(workspace)",
            logger: database.logger)
        for try await row in found.decode(String.self) { rows.append(row) }
    }
    return rows.sorted()
}

extension ReadModels {
    /// The number of rows of `table` matching `condition`, counted by the owner role.
    static func count(_ table: String, owner database: TestDatabase, where condition: String) async throws -> Int {
        let rows = try await database.owner.query(
            "SELECT count(*)::int8 FROM \(unescaped: table) WHERE \(unescaped: condition)", logger: database.logger)
        for try await count in rows.decode(Int.self) { return count }
        return -1
    }
}
