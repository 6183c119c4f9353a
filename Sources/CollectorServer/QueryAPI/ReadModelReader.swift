import EventStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NPSDomain
import PostgresNIO
import Projections

/// Every read-model query the query API and the dashboard use, built on one
/// client: the place where the reads could be sent to a replica instead of
/// the database the ingest writes to.
struct ReadModelReader: Sendable {
    let threshold: PrivacyThreshold
    let versions: ReadModelVersionQuery
    let campaigns: CampaignOverviewQuery
    let summaries: CampaignSummaryQuery
    let funnels: CampaignFunnelQuery
    let workspaceBreakdown: WorkspaceBreakdownQuery
    let votes: VoteListQuery
    let directory: WorkspaceDirectoryQuery
    let workspacePrivacy: WorkspaceCellPrivacy
    let cache = AnswerCache()
    /// Decides a campaign's state (scheduled, running, ...) in answers.
    let clock: any CollectorClock

    init(client: PostgresClient, threshold: PrivacyThreshold, clock: any CollectorClock, logger: Logger) {
        self.threshold = threshold
        self.clock = clock
        versions = ReadModelVersionQuery(client: client, logger: logger)
        campaigns = CampaignOverviewQuery(client: client, logger: logger)
        summaries = CampaignSummaryQuery(client: client, logger: logger)
        funnels = CampaignFunnelQuery(client: client, logger: logger)
        workspaceBreakdown = WorkspaceBreakdownQuery(client: client, threshold: threshold, logger: logger)
        votes = VoteListQuery(client: client, threshold: threshold, logger: logger)
        directory = WorkspaceDirectoryQuery(client: client, logger: logger)
        workspacePrivacy = WorkspaceCellPrivacy(client: client, threshold: threshold, logger: logger)
    }

    /// The campaign, or 404.
    func campaign(_ id: String) async throws -> CampaignOverview {
        guard Identifiers.isValid(id), let campaign = try await campaigns.campaign(id) else {
            throw APIError.notFound("no campaign \(id)")
        }
        return campaign
    }

    /// The campaign's pooled and per-role votes, or 404.
    func summary(_ id: String) async throws -> CampaignSummary {
        guard Identifiers.isValid(id), let summary = try await summaries.summary(of: id) else {
            throw APIError.notFound("no campaign \(id)")
        }
        return summary
    }

    /// The workspace's directory entry, or 404.
    func workspace(_ id: String) async throws -> WorkspaceEntry {
        guard Identifiers.isValid(id), let entry = try await directory.entry(id) else {
            throw APIError.notFound("no workspace \(id)")
        }
        return entry
    }

    /// The roles of a campaign whose figures are withheld (below the
    /// threshold, or hidden with the only one that is).
    func withheldRoles(of summary: CampaignSummary) -> Set<String> {
        threshold.cellsToWithhold(summary.roles.mapValues(\.n))
    }

    /// Answers 304 when the caller's `If-None-Match` holds the current tag,
    /// else the JSON `answer` (from the cache while the version has not
    /// moved), tagged. A campaign's `state` moves with the clock, not the
    /// log, so a kept answer can show it late until the next event arrives. The tag is read before the answer, so it can only be
    /// older than the data: a later request then gets a fresh 200, never a
    /// stale 304.
    func conditionally(
        _ request: Request, _ answer: @escaping @Sendable (ReadModelVersion) async throws -> JSONValue
    ) async throws -> Response {
        try await conditionallyStreamed(request) { version in
            let text = try await cache.answer(for: request.uri.description, version: version.tag) {
                try EventJSON.encode(try await answer(version))
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }

    /// As `conditionally`, for an answer that is not kept (a streamed export).
    func conditionallyStreamed(
        _ request: Request, _ answer: (ReadModelVersion) async throws -> Response
    ) async throws -> Response {
        // The first read of every answer: when the query database (a replica)
        // is gone, the answer is a prompt 503 rather than a minute's wait.
        let version = try await withDeadline(Self.firstReadDeadline) { [versions] in try await versions.current() }
        let tag = "\"\(version.tag)-k\(threshold.k)\""
        if let sent = request.headers[.ifNoneMatch], Self.matches(sent, tag) {
            return Response(status: .notModified, headers: [.eTag: tag, .readPosition: "\(version.position)"])
        }
        var response = try await answer(version)
        response.headers[.eTag] = tag
        response.headers[.readPosition] = "\(version.position)"
        response.headers[.cacheControl] = "private, no-cache"
        return response
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
