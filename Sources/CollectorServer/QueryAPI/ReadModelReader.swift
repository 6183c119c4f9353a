import EventStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NPSDomain
import PostgresNIO
import Projections
import Synchronization

/// The query API's and the dashboard's one door to the read models: the
/// version tag (`conditionally`), and `read`, which hands an answer the
/// `PrivacyLayer` over one snapshot. No route reads a figure any other way.
/// Built on one client: the place where the reads could be sent to a
/// replica instead of the database the ingest writes to.
struct ReadModelReader: Sendable {
    let threshold: PrivacyThreshold
    let policy: PublicationPolicy
    let versions: ReadModelVersionQuery
    /// The version as last read, while no projection, replay or purge has committed since
    /// (nil: read for every request, as with a replica, which cannot LISTEN).
    let version: ChangeNotifications.Copy<ReadModelVersion>?
    let cache = AnswerCache()
    /// Shared by every answer of this process that governs cells.
    let disclosures = DisclosureCache()
    private let latestHeaders = LatestVersionFields()
    /// Decides a campaign's state (scheduled, running, ...) in answers.
    let clock: any CollectorClock
    private let client: PostgresClient
    private let logger: Logger

    init(
        client: PostgresClient, threshold: PrivacyThreshold, policy: PublicationPolicy, clock: any CollectorClock,
        changes: ChangeNotifications? = nil, logger: Logger
    ) {
        self.client = client
        self.threshold = threshold
        self.policy = policy
        self.clock = clock
        self.logger = logger
        versions = ReadModelVersionQuery(client: client, logger: logger)
        version = changes.map { ChangeNotifications.Copy(of: .readModels, changes: $0) }
    }

    /// Runs `body` with the privacy layer over one consistent snapshot: every
    /// figure of one answer comes from the same state of the read models.
    func read<Result: Sendable>(_ body: (PrivacyLayer) async throws -> Result) async throws -> Result {
        try await ReadSnapshot.run(on: client, logger: logger) { snapshot in
            try await body(
                PrivacyLayer(
                    source: snapshot, threshold: threshold, policy: policy, disclosures: disclosures, logger: logger))
        }
    }

    /// Answers 304 when the caller's `If-None-Match` holds the current tag,
    /// else the JSON `answer` (from the cache while the version has not
    /// moved, or an earlier version's while the current one is computed:
    /// see `AnswerCache`), tagged with the version it was computed at. A
    /// campaign's `state` moves with the clock, not the log, so a kept
    /// answer can show it late until the next event arrives. The tag is read
    /// before the answer, so it can only be older than the data: a later
    /// request then gets a fresh 200, never a stale 304.
    func conditionally(
        _ request: Request, _ answer: @escaping @Sendable (ReadModelVersion) async throws -> JSONValue
    ) async throws -> Response {
        let current = try await currentVersion()
        if let notModified = notModified(request, current) { return notModified }
        let kept = try await cache.answer(for: request.uri.description, at: current) {
            ByteBuffer(string: try EventJSON.encode(try await answer(current)))
        }
        // An earlier version's answer: the caller may hold its tag.
        if let notModified = notModified(request, kept.version) { return notModified }
        return Response(status: .ok, headers: answerHeaders(kept.version), body: .init(byteBuffer: kept.body))
    }

    /// As `conditionally`, for an answer that is not kept (a streamed export).
    func conditionallyStreamed(
        _ request: Request, _ answer: (ReadModelVersion) async throws -> Response
    ) async throws -> Response {
        let current = try await currentVersion()
        if let notModified = notModified(request, current) { return notModified }
        return tagged(try await answer(current), current)
    }

    /// The version kept in memory, else read. The read is the first of every answer that
    /// is not kept: when the query database (a replica) is gone, the answer is a prompt 503
    /// rather than a minute's wait.
    private func currentVersion() async throws -> ReadModelVersion {
        if let kept = version?.kept() { return kept }
        return try await withDeadline(Self.firstReadDeadline) { [versions, version] in
            guard let version else { return try await versions.current() }
            return try await version.value(versions.current)
        }
    }

    private func tag(_ version: ReadModelVersion) -> String { "\"\(version.tag)-k\(threshold.k)\"" }

    private func notModified(_ request: Request, _ version: ReadModelVersion) -> Response? {
        guard let sent = request.headers[.ifNoneMatch], Self.matches(sent, tag(version)) else { return nil }
        return Response(status: .notModified, headers: [.eTag: tag(version), .readPosition: "\(version.position)"])
    }

    private func tagged(_ response: Response, _ version: ReadModelVersion) -> Response {
        var response = response
        for field in versionFields(version) { response.headers[field.name] = field.value }
        return response
    }

    private func versionFields(_ version: ReadModelVersion) -> HTTPFields {
        [.eTag: tag(version), .readPosition: "\(version.position)", .cacheControl: "private, no-cache"]
    }

    /// A JSON answer's headers at `version`, made once per version: under load, most
    /// answers are one kept answer sent again.
    private func answerHeaders(_ version: ReadModelVersion) -> HTTPFields {
        latestHeaders.fields(for: version) { version in
            var fields = versionFields(version)
            fields[.contentType] = "application/json"
            return fields
        }
    }

    static let firstReadDeadline = Duration.seconds(5)

    static func matches(_ ifNoneMatch: String, _ tag: String) -> Bool {
        ifNoneMatch.split(separator: ",").contains { candidate in
            let trimmed = candidate.trimmingCharacters(in: .whitespaces)
            return trimmed == "*" || trimmed == tag || trimmed == "W/" + tag
        }
    }
}

extension HTTPField.Name {
    /// The log position every read model of the answer has applied through,
    /// as the database that answered (a replica, with QUERY_DATABASE_URL)
    /// sees it: how fresh the answer is.
    public static let readPosition = HTTPField.Name("X-Read-Position")!
}

/// The fields made for the latest version asked about.
private final class LatestVersionFields: Sendable {
    private let latest = Mutex<(version: ReadModelVersion, fields: HTTPFields)?>(nil)

    func fields(for version: ReadModelVersion, _ make: (ReadModelVersion) -> HTTPFields) -> HTTPFields {
        latest.withLock { latest in
            if let latest, latest.version == version { return latest.fields }
            let fields = make(version)
            latest = (version, fields)
            return fields
        }
    }
}
