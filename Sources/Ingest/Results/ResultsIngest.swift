import Crypto
import EventStore
import Foundation
import Logging
import NPSDomain
import PostgresNIO

/// A results upload as it arrived (`POST /v1/surveys/{npsId}/results`).
public struct ResultsUpload: Sendable {
    public var workspaceID: String
    public var campaignID: String
    public var body: [UInt8]
    public var requestID: String

    public init(workspaceID: String, campaignID: String, body: [UInt8], requestID: String) {
        self.workspaceID = workspaceID
        self.campaignID = campaignID
        self.body = body
        self.requestID = requestID
    }
}

/// The answer to a recorded upload: `{accepted, repeats, quarantined: [{index, reason}]}`.
public struct ResultsAnswer: Sendable, Codable, Equatable {
    public struct Quarantined: Sendable, Codable, Equatable {
        public var index: Int
        public var reason: String
    }

    public var accepted: Int
    public var repeats: Int
    public var quarantined: [Quarantined]
}

public enum ResultsOutcome: Sendable, Equatable {
    /// Valid votes are in the log, invalid ones in quarantine (200).
    case recorded(ResultsAnswer)
    /// No such campaign: every item quarantined (404).
    case unknownCampaign(quarantined: Int)
    /// The campaign has not started: every item quarantined (409).
    case notStarted(startAt: Date, quarantined: Int)
    /// Not JSON: the body is kept in quarantine (400).
    case unreadable(JSONParseError)
    /// JSON of the wrong shape or over the batch limit: the body is kept in quarantine (422).
    case wrongShape(String)
    /// The workspace's tokens were revoked (a purge) while the upload was in flight: nothing kept (401).
    case tokenRevoked
}

/// Turns a results upload into `VoteCast` events (deduplicated by
/// `record_votes`), one `ResultsReceived`, and quarantine rows for what could
/// not be accepted, all in one transaction: a 2xx means all of it is
/// durable, an error means none of it was stored.
public struct ResultsIngest: Sendable {
    public let client: PostgresClient
    public let campaigns: CampaignStore
    public let logger: Logger

    public init(client: PostgresClient, campaigns: CampaignStore, logger: Logger) {
        self.client = client
        self.campaigns = campaigns
        self.logger = logger
    }

    public func ingest(_ upload: ResultsUpload, now: Date? = nil) async throws -> ResultsOutcome {
        let now = now ?? campaigns.log.clock.now
        let quarantine = QuarantineWriter(upload: upload)
        let document: JSONValue
        do {
            document = try JSONValue.parse(upload.body)
        } catch {
            try await quarantine.keepBody(reason: "not JSON: \(error)", client: client, logger: logger)
            return .unreadable(error)
        }
        guard let votes = document["votes"]?.arrayValue else {
            let reason = "the body must be an object with a \"votes\" list"
            try await quarantine.keepBody(reason: reason, client: client, logger: logger)
            return .wrongShape(reason)
        }
        guard votes.count <= Limits.votesPerBatch else {
            let reason = "\(votes.count) votes in one request; the limit is \(Limits.votesPerBatch)"
            try await quarantine.keepBody(reason: reason, client: client, logger: logger)
            return .wrongShape(reason)
        }
        let total = Self.parseTotal(document["total"])

        guard let campaign = try await campaigns.campaign(upload.campaignID) else {
            let reason = "unknown campaign \(upload.campaignID)"
            try await quarantine.keepItems(
                votes.indices.map { ($0, votes[$0], reason) }, client: client, logger: logger)
            return .unknownCampaign(quarantined: votes.count)
        }
        guard now >= campaign.startAt else {
            let reason = "campaign \(upload.campaignID) has not started"
            try await quarantine.keepItems(
                votes.indices.map { ($0, votes[$0], reason) }, client: client, logger: logger)
            return .notStarted(startAt: campaign.startAt, quarantined: votes.count)
        }

        var validated: [VoteItem.Valid] = []
        var rejections: [(Int, JSONValue, String)] = []
        for (index, item) in votes.enumerated() {
            switch VoteItem.validate(item, campaignID: upload.campaignID) {
            case .success(let vote): validated.append(vote)
            case .failure(let rejection): rejections.append((index, item, rejection.reason))
            }
        }
        let valid = validated
        let rejected = rejections

        // The same body sent again is the same fact: its ResultsReceived is a repeat too.
        let bodyDigest = sha256Hex(upload.body)
        let batch = try VoteBatch(
            valid, campaignID: upload.campaignID, workspaceID: upload.workspaceID, requestID: upload.requestID)
        let receipt = Receipt(
            id: EventID.named("ResultsReceived", upload.campaignID, upload.workspaceID, bodyDigest),
            total: total, items: votes.count, quarantined: rejected.count)
        let logger = self.logger
        let log = campaigns.log
        let workspaceID = upload.workspaceID
        let answer: ResultsAnswer? = try await client.inTransaction(logger: logger) { connection in
            // A purge of this workspace waits for this transaction, or this one for the purge
            // (which revokes every token): then nothing of the upload may be stored.
            guard try await Self.begin(workspaceID, log: log, on: connection) else { return nil }
            var answer = try await batch.record(receipt, on: connection, log: log)
            answer.quarantined = rejected.map { .init(index: $0.0, reason: $0.2) }
            try await quarantine.keepItems(rejected, on: connection, logger: logger)
            return answer
        }
        guard let answer else { return .tokenRevoked }
        return .recorded(answer)
    }

    /// `schema/functions/begin_workspace_ingest.sql`: the workspace's ingest lock, the recording
    /// time, and whether the workspace still holds a live token (a purge revokes them all).
    static func begin(_ workspaceID: String, log: EventLog, on connection: PostgresConnection) async throws -> Bool {
        try await connection.query(
            "SELECT begin_workspace_ingest(\(workspaceID), \(log.recordingTime))", logger: log.logger
        ).collect().first?.decode(Bool.self) ?? false
    }

    /// `total` as a number or numeric string; absent or nonsense is unknown.
    static func parseTotal(_ value: JSONValue?) -> Int? {
        switch value {
        case .number(let number) where number >= 0 && number.rounded() == number && number < 1e12: Int(number)
        case .string(let text): Int(text).flatMap { $0 >= 0 ? $0 : nil }
        default: nil
        }
    }
}

/// What a `ResultsReceived` says of an upload besides its votes.
struct Receipt: Sendable {
    var id: UUID
    var total: Int?
    var items: Int
    var quarantined: Int
}

/// Lowercase hex SHA-256, the form of body digests and voter identifiers.
func sha256Hex(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).lowercaseHex
}
