import CollectorServer
import EventStore
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTesting
import Ingest
import Logging
import NPSDomain
import PostgresNIO
import TestSupport
import Testing

/// The collector's real router on a fresh database, with an admin token and
/// registered workspaces, driven over HTTP by the tests.
///
/// The collector runs on a `SimulatedClock`: a test reaches a campaign's
/// start or expiry by moving `clock`, never by sleeping, so a loaded machine
/// cannot make it late.
struct Collector {
    let database: TestDatabase
    let services: CollectorServices
    let clock: SimulatedClock
    let client: any TestClientProtocol
    let adminToken: String
    let workspaceTokens: [String: String]

    struct Answer {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String

        /// The body as JSON; a body that is not JSON fails the test (and reads as `.null`).
        var json: JSONValue {
            do {
                return try JSONValue.parse(Array(body.utf8))
            } catch {
                Issue.record("the answer (\(status)) is not JSON: \(body.prefix(300))")
                return .null
            }
        }
    }

    /// Runs `body` against a collector whose workspaces `workspaces` are registered.
    static func with(
        workspaces: [String] = ["ws1"],
        framework: TestingSetup = .router,
        privacy: PrivacyThreshold = PrivacyThreshold(),
        publication: PublicationPolicy = .live,
        landing: LandingSettings = LandingSettings(),
        clock: SimulatedClock = SimulatedClock(startingAt: Collector.nextNoon()),
        server: HTTPServerBuilder = .collector(),
        patientListener: Bool = false,
        _ body: @Sendable (Collector) async throws -> Void
    ) async throws {
        try await TestDatabase.with { database in
            // As `serve` runs: tokens and campaigns kept in memory, told of changes by the listener.
            // The test's own services share it, so what a test changes through them shows at once.
            // A patient listener keeps trusting its copies however late its heartbeats come back
            // (`ChangeNotificationTests.Process.patience`), for a test that proves a copy is used.
            let patience = ChangeNotificationTests.Process.patience
            let changes =
                patientListener
                ? ChangeNotifications(logger: database.logger, staleAfter: patience, reconnectAfter: patience)
                : ChangeNotifications(logger: database.logger)
            let listener = Task { await changes.listen(using: database.app) }
            ChangeListeners.register(changes, for: database)
            defer {
                ChangeListeners.unregister(changes, for: database)
                listener.cancel()
            }
            let listening = ContinuousClock.now + .seconds(60)
            while changes.generation(of: .tokens) == nil, ContinuousClock.now < listening {
                try await Task.sleep(for: .milliseconds(5))
            }
            let services = CollectorServices(
                database: database.app, logger: database.logger, clock: clock, changes: changes)
            let adminToken = try await services.tokens.create(scope: .admin).token
            var registered: [String: String] = [:]
            for workspace in workspaces {
                registered[workspace] = try await services.workspaces.register(
                    workspace, metadata: .init(sender: "test")
                )
                .token
            }
            let tokens = registered
            let app = Application(
                router: buildRouter(
                    database: database.app, logger: database.logger, privacy: privacy, publication: publication,
                    clock: clock, landing: landing, changes: changes),
                server: server)
            try await app.test(framework) { client in
                try await body(
                    Collector(
                        database: database,
                        services: services,
                        clock: clock,
                        client: client,
                        adminToken: adminToken,
                        workspaceTokens: tokens
                    )
                )
            }
        }
    }

    func request(
        _ method: HTTPRequest.Method,
        _ uri: String,
        token: String? = nil,
        contentType: String? = "application/json",
        body: String? = nil,
        bytes: [UInt8]? = nil,
        headers given: HTTPFields = [:]
    ) async throws -> Answer {
        var headers = given
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let contentType, body != nil || bytes != nil { headers[.contentType] = contentType }
        let buffer = bytes.map { ByteBuffer(bytes: $0) } ?? body.map { ByteBuffer(string: $0) }
        return try await client.execute(uri: uri, method: method, headers: headers, body: buffer) { response in
            Answer(status: response.status, headers: response.headers, body: String(buffer: response.body))
        }
    }

    func token(_ workspace: String = "ws1") -> String { workspaceTokens[workspace]! }

    /// Noon (UTC) after the real time: a test's simulated day never crosses
    /// midnight, so daily figures do not depend on when the suite runs.
    static func nextNoon(after date: Date = Date()) -> Date {
        let day = 86_400.0
        let noon = (date.timeIntervalSince1970 / day).rounded(.down) * day + day / 2
        return Date(timeIntervalSince1970: noon > date.timeIntervalSince1970 ? noon : noon + day)
    }

    /// Moves the collector's clock `seconds` forward.
    func advance(by seconds: TimeInterval) throws {
        try clock.advance(to: clock.now.addingTimeInterval(seconds))
    }

    /// Moves the collector's clock to just after `date`.
    func advance(past date: Date) throws {
        try clock.advance(to: max(clock.now, date.addingTimeInterval(1)))
    }

    /// A campaign that has started (results are accepted) unless `startsIn` is positive.
    @discardableResult
    func campaign(
        _ id: String, startsIn: TimeInterval = -3_600, lasts: TimeInterval = 14 * 86_400
    ) async throws -> Campaign {
        let start = clock.now.addingTimeInterval(startsIn)
        return try await services.campaigns.announce(
            .init(id: id, startAt: start, expireAt: start.addingTimeInterval(lasts)),
            allowShortNotice: true,
            metadata: .init(sender: "test")
        )
    }

    func upload(
        _ campaign: String, _ body: String, workspace: String = "ws1", contentType: String? = "application/json"
    )
        async throws -> Answer
    {
        try await request(
            .post, "/v1/surveys/\(campaign)/results", token: token(workspace), contentType: contentType, body: body)
    }

    /// How many events of each type the log holds.
    func eventCounts() async throws -> [String: Int] {
        let rows = try await database.owner.query(
            "SELECT event_type, count(*)::int8 FROM event_log GROUP BY 1",
            logger: database.logger
        )
        var counts: [String: Int] = [:]
        for try await (type, count) in rows.decode((String, Int).self) { counts[type] = count }
        return counts
    }

    /// The payloads of the log's events of one type, in log order.
    func payloads(_ type: String) async throws -> [JSONValue] {
        try await logRows().filter { $0.type == type }.map(\.payload)
    }

    /// An event as the log holds it, payload and metadata parsed.
    struct LogRow {
        var type: String
        var stream: String
        var schemaVersion: Int
        var transactionID: String
        var payload: JSONValue
        var metadata: JSONValue
    }

    /// The log's rows, in log order.
    func logRows() async throws -> [LogRow] {
        let rows = try await database.owner.query(
            """
            SELECT event_type, stream_id, schema_version, transaction_id::text, payload::text, metadata::text
              FROM event_log ORDER BY position
            """,
            logger: database.logger
        )
        var found: [LogRow] = []
        for try await (type, stream, version, transaction, payload, metadata) in rows.decode(
            (String, String, Int16, String, String, String).self)
        {
            found.append(
                LogRow(
                    type: type, stream: stream, schemaVersion: Int(version), transactionID: transaction,
                    payload: try JSONValue.parse(Array(payload.utf8)),
                    metadata: try JSONValue.parse(Array(metadata.utf8))))
        }
        return found
    }

    /// The raw statistics documents kept outside the log (`statistics_documents`), in the order received.
    func statisticsDocuments() async throws -> [(verified: Bool, document: JSONValue)] {
        let rows = try await database.owner.query(
            "SELECT verified, document::text FROM statistics_documents ORDER BY received_at, report_id",
            logger: database.logger
        )
        var documents: [(verified: Bool, document: JSONValue)] = []
        for try await (verified, text) in rows.decode((Bool, String).self) {
            documents.append((verified, try JSONValue.parse(Array(text.utf8))))
        }
        return documents
    }

    func quarantineCount() async throws -> Int {
        try await database.owner.query("SELECT count(*)::int8 FROM quarantine", logger: database.logger)
            .collect().first?.decode(Int.self) ?? -1
    }
}

enum Votes {
    static func identifier(_ n: Int) -> String { String(format: "%064x", n) }

    /// A 6.x item: `{identifier, roles, score, comment}`.
    static func item(_ n: Int, score: Int, roles: [String] = ["user"], comment: String? = nil) -> String {
        let rolesJSON = roles.map { "\"\($0)\"" }.joined(separator: ",")
        let commentJSON = comment.map { ",\"comment\":\"\($0)\"" } ?? ""
        return #"{"identifier":"\#(identifier(n))","roles":[\#(rolesJSON)],"score":\#(score)\#(commentJSON)}"#
    }

    static func batch(_ items: [String], total: Int? = nil) -> String {
        #"{"total":\#(total ?? items.count),"votes":[\#(items.joined(separator: ","))]}"#
    }
}
