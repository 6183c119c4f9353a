import EventStore
import Foundation
import HTTPTypes
import Ingest
import NPSDomain
import PostgresNIO
import TestSupport
import Testing

/// Tokens and the campaign book kept in memory (`ChangeNotifications`),
/// with two "processes": two sets of stores, each with its own listener.
@Suite("Copies in memory and the changes that end them")
struct ChangeNotificationTests {
    /// One process's view: its listener and the stores that use it.
    struct Process {
        let changes: ChangeNotifications
        let tokens: TokenStore
        let campaigns: CampaignStore
        let listener: Task<Void, Never>

        init(_ database: TestDatabase, patient: Bool = false) {
            let changes =
                patient
                ? ChangeNotifications(logger: database.logger, staleAfter: Self.patience, reconnectAfter: Self.patience)
                : ChangeNotifications(logger: database.logger)
            self.changes = changes
            tokens = TokenStore(client: database.app, logger: database.logger, changes: changes)
            campaigns = CampaignStore(log: database.log, changes: changes)
            listener = Task { await changes.listen(using: database.app) }
        }

        /// How late a patient process's heartbeats may come back before it stops using its copies:
        /// a test that proves a copy is used must not depend on the machine's load.
        static let patience = Duration.seconds(600)

        func waitUntilListening() async throws {
            let deadline = ContinuousClock.now + .seconds(60)
            while changes.generation(of: .tokens) == nil {
                guard ContinuousClock.now < deadline else {
                    Issue.record("the listener did not start")
                    return
                }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    /// Two processes; with `patient`, the second keeps trusting its copies however late its heartbeats.
    static func withProcesses(
        patient: Bool = false, _ body: (TestDatabase, Process, Process) async throws -> Void
    ) async throws {
        try await TestDatabase.with { database in
            let first = Process(database)
            let second = Process(database, patient: patient)
            defer {
                first.listener.cancel()
                second.listener.cancel()
            }
            try await first.waitUntilListening()
            try await second.waitUntilListening()
            try await body(database, first, second)
        }
    }

    static func setTrigger(_ name: String, on table: String, enabled: Bool, _ database: TestDatabase) async throws {
        let statement = enabled ? "ENABLE" : "DISABLE"
        try await database.owner.query(
            PostgresQuery(unsafeSQL: "ALTER TABLE \(table) \(statement) TRIGGER \(name)"), logger: database.logger)
    }

    @Test("a verified token is answered from memory: with the notification off, a revocation goes unseen")
    func tokenFromMemory() async throws {
        try await Self.withProcesses(patient: true) { database, first, second in
            let issued = try await first.tokens.create(scope: .workspace, workspaceID: "ws1")
            #expect(try await second.tokens.authenticate(issued.token)?.workspaceID == "ws1")
            try await Self.setTrigger("api_tokens_notify_change", on: "api_tokens", enabled: false, database)
            try await database.owner.query(
                "UPDATE api_tokens SET revoked_at = now() WHERE id = \(issued.id)", logger: database.logger)
            // The database says revoked; the copy, with no notification, still knows the token.
            #expect(try await second.tokens.authenticate(issued.token)?.workspaceID == "ws1")
            try await Self.setTrigger("api_tokens_notify_change", on: "api_tokens", enabled: true, database)
        }
    }

    @Test("a revocation in another process is refused there at once, and never later than a second after it")
    func revocationCrossesProcesses() async throws {
        try await Self.withProcesses { _, first, second in
            let issued = try await first.tokens.create(scope: .analyst)
            #expect(try await second.tokens.authenticate(issued.token)?.scope == .analyst)
            #expect(try await second.tokens.authenticate(issued.token)?.scope == .analyst)
            #expect(try await first.tokens.revoke(id: issued.id))
            let revoked = ContinuousClock.now
            // At once in the process that revoked (no notification needed).
            #expect(try await first.tokens.authenticate(issued.token) == nil)
            // In the other one when the notification arrives; whatever the load, a second after
            // the revocation committed the copy is either told or no longer trusted.
            while true {
                let asked = ContinuousClock.now
                guard try await second.tokens.authenticate(issued.token) != nil else { break }
                #expect(asked - revoked < ChangeNotifications.staleAfter)
                try await Task.sleep(for: .milliseconds(5))
            }
            try await ContinuousClock().sleep(until: revoked + ChangeNotifications.staleAfter)
            #expect(try await second.tokens.authenticate(issued.token) == nil)
        }
    }

    @Test("without a live listener nothing is trusted from memory")
    func listenerGone() async throws {
        try await TestDatabase.with { database in
            let process = Process(database)
            try await process.waitUntilListening()
            process.listener.cancel()
            let deadline = ContinuousClock.now + .seconds(60)
            while process.changes.generation(of: .tokens) != nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(process.changes.generation(of: .tokens) == nil)
            #expect(process.changes.generation(of: .campaigns) == nil)
            #expect(ChangeNotifications(logger: database.logger).generation(of: .tokens) == nil)
        }
    }

    @Test("a listener whose connection is ended stops vouching for its copies, then connects again")
    func listenerReconnects() async throws {
        try await TestDatabase.with { database in
            // Patient: what is tested is the reconnection after the connection is ended, not
            // one that a loaded machine's late heartbeat would bring about.
            let process = Process(database, patient: true)
            defer { process.listener.cancel() }
            try await process.waitUntilListening()
            let before = try #require(process.changes.generation(of: .tokens))
            // The application role sees (and may end) its own sessions' queries.
            let ended = try await database.app.query(
                """
                SELECT count(pg_terminate_backend(pid))::int8 FROM pg_stat_activity
                 WHERE datname = current_database() AND usename = current_user AND pid <> pg_backend_pid()
                   AND (query LIKE 'LISTEN%' OR query LIKE 'SELECT set_config(''synchronous_commit''%')
                """, logger: database.logger
            ).collect().first?.decode(Int.self)
            #expect(ended == 1)
            // Back within the backoff, with a new generation: what was kept before is not used again.
            // The generation seen is the one asserted on: read again, it may be nil for a moment on a
            // loaded machine (no heartbeat back within `staleAfter`), which is not what is tested here.
            let deadline = ContinuousClock.now + .seconds(120)
            var reconnected: UInt64?
            while reconnected == nil, ContinuousClock.now < deadline {
                if let generation = process.changes.generation(of: .tokens), generation > before {
                    reconnected = generation
                } else {
                    try await Task.sleep(for: .milliseconds(10))
                }
            }
            #expect(reconnected != nil, "no new generation after the listener's connection was ended")
            #expect(await process.changes.delivered())
        }
    }

    @Test("the campaign book is read from memory; an unknown id reads the stream; a close elsewhere arrives")
    func campaignBook() async throws {
        try await Self.withProcesses(patient: true) { database, first, second in
            let now = Date()
            let announcement = CampaignBook.Announcement(
                id: "c1", startAt: now.addingTimeInterval(86_400), expireAt: now.addingTimeInterval(10 * 86_400))
            #expect(try await second.campaigns.current().campaigns.isEmpty)
            _ = try await first.campaigns.announce(
                announcement, allowShortNotice: true, metadata: .init(sender: "test"))
            // Found at once by id, though the other process may not have been told yet.
            #expect(try await second.campaigns.campaign("c1")?.id == "c1")
            // Told: a heartbeat sent after the announcement has come back, so its notification came before.
            #expect(await second.changes.delivered())

            // With the notification off, the other process keeps its copy (proof that it is one).
            try await Self.setTrigger("event_log_notify_campaign_change", on: "event_log", enabled: false, database)
            let kept = try await second.campaigns.current()
            #expect(kept.campaigns["c1"] != nil)
            try await first.campaigns.close("c1", metadata: .init(sender: "test"))
            #expect(try await second.campaigns.current().version == kept.version)
            #expect(try await first.campaigns.current().version > kept.version)
            try await Self.setTrigger("event_log_notify_campaign_change", on: "event_log", enabled: true, database)

            // Notified: the next append ends the other process's copy.
            let other = CampaignBook.Announcement(
                id: "c2", startAt: now.addingTimeInterval(20 * 86_400), expireAt: now.addingTimeInterval(30 * 86_400))
            _ = try await first.campaigns.announce(other, allowShortNotice: true, metadata: .init(sender: "test"))
            let deadline = ContinuousClock.now + .seconds(60)
            while try await second.campaigns.current().campaigns["c2"] == nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            let current = try await second.campaigns.current()
            #expect(current.campaigns["c2"] != nil)
            #expect(current.version == (try await first.campaigns.load().version))
        }
    }
}

@Suite("The read-model version from memory")
struct ReadModelVersionCopyTests {
    @Test("a cached answer's version comes from memory: without the projections' notification a new vote goes unseen")
    func versionFromMemory() async throws {
        try await Collector.with(patientListener: true) { collector in
            let database = collector.database
            try await collector.campaign("c1")
            try await ProjectionCatchUp.untilCurrent(database)
            let route = "/api/v1/campaigns/c1/summary"
            let before = try await collector.request(.get, route, token: collector.adminToken)
            let tag = try #require(before.headers[.eTag])

            try await ChangeNotificationTests.setTrigger(
                "projections_notify_change", on: "projections", enabled: false, database)
            try await collector.expectUpload("c1", "ws1", accepted: 1, [Votes.item(1, score: 9)], total: 1)
            try await ProjectionCatchUp.untilCurrent(database)
            // The read models hold the vote; the collector, not told, answers the version it knows.
            let unseen = try await collector.request(.get, route, token: collector.adminToken)
            #expect(unseen.headers[.eTag] == tag)
            #expect(unseen.body == before.body)

            try await ChangeNotificationTests.setTrigger(
                "projections_notify_change", on: "projections", enabled: true, database)
            try await database.owner.query(
                "UPDATE projections SET events_applied = events_applied", logger: database.logger)
            await ChangeListeners.delivered(database)
            let seen = try await collector.request(.get, route, token: collector.adminToken)
            #expect(seen.headers[.eTag] != tag)
            #expect(seen.json["votes"] == 1)
        }
    }
}
