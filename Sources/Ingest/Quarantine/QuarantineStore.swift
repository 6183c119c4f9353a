import EventStore
import Foundation
import Logging
import NPSDomain
import PostgresNIO

/// The operator's view of the quarantine: list what is held, replay an item
/// once it is fixed (or once its campaign exists), or discard it.
public struct QuarantineStore: Sendable {
    public let client: PostgresClient
    public let campaigns: CampaignStore
    public let logger: Logger

    public init(client: PostgresClient, campaigns: CampaignStore, logger: Logger) {
        self.client = client
        self.campaigns = campaigns
        self.logger = logger
    }

    public struct Entry: Sendable, Codable, Equatable {
        public var id: Int64
        public var receivedAt: Date
        public var requestID: String
        public var workspaceID: String?
        public var campaignID: String?
        /// The item's place in its upload; nil when the whole body was kept.
        public var itemIndex: Int?
        public var reason: String
        public var status: String
        /// The item or body as received (invalid UTF-8 replaced).
        public var raw: String

        enum CodingKeys: String, CodingKey {
            case id, receivedAt, itemIndex, reason, status, raw
            case requestID = "requestId"
            case workspaceID = "workspaceId"
            case campaignID = "campaignId"
        }
    }

    public func list(status: String = "held", limit: Int = 100) async throws -> [Entry] {
        let rows = try await client.leasedQuery(
            """
            SELECT id, received_at, request_id, workspace_id, campaign_id, item_index, reason, status, raw
              FROM quarantine WHERE status = \(status) ORDER BY id LIMIT \(Int32(clamping: limit))
            """,
            logger: logger
        )
        var entries: [Entry] = []
        for row in rows {
            let row = try row.decode((Int64, Date, String, String?, String?, Int32?, String, String, Data).self)
            entries.append(
                Entry(
                    id: row.0,
                    receivedAt: row.1,
                    requestID: row.2,
                    workspaceID: row.3,
                    campaignID: row.4,
                    itemIndex: row.5.map(Int.init),
                    reason: row.6,
                    status: row.7,
                    raw: String(decoding: row.8, as: UTF8.self)
                )
            )
        }
        return entries
    }

    public enum ReplayOutcome: Sendable, Equatable {
        case recorded(isRepeat: Bool)
        case stillInvalid(String)
        case notFound
        case notAnItem
        case alreadyResolved(String)
    }

    /// Validates the held item (or `corrected`, its fixed version) again and,
    /// if it now passes, records it as a vote and marks the entry replayed.
    public func replay(id: Int64, corrected: JSONValue? = nil, now: Date? = nil) async throws -> ReplayOutcome {
        let now = now ?? campaigns.log.clock.now
        let book = try await campaigns.load()
        let logger = self.logger
        return try await client.inTransaction(logger: logger) { connection in
            // The votes stream's lock comes before anything that takes a transaction id (FOR UPDATE
            // does): the log is read in transaction-id order, so a transaction that got its id before
            // waiting for the lock could be decided after an upload of the same identifier yet be
            // read before it, and vote_keys and the folds would disagree.
            let located = try await connection.query(
                "SELECT workspace_id, campaign_id FROM quarantine WHERE id = \(id)", logger: logger
            ).collect().first
            if let (workspaceID, campaignID) = try located?.decode((String?, String?).self), let workspaceID,
                let campaignID
            {
                try await EventLog.lockStream(
                    Streams.votes(campaignID: campaignID, workspaceID: workspaceID), on: connection, logger: logger)
            }
            let rows = try await connection.query(
                "SELECT workspace_id, campaign_id, item_index, raw, status FROM quarantine WHERE id = \(id) FOR UPDATE",
                logger: logger
            )
            guard let row = try await rows.collect().first else { return .notFound }
            let (workspaceID, campaignID, itemIndex, raw, status) = try row.decode(
                (String?, String?, Int32?, Data, String).self
            )
            guard status == "held" else { return .alreadyResolved(status) }
            guard let workspaceID, let campaignID, itemIndex != nil else { return .notAnItem }
            let item: JSONValue
            if let corrected {
                item = corrected
            } else {
                do { item = try JSONValue.parse(Array(raw)) } catch { return .stillInvalid("not JSON: \(error)") }
            }
            guard let campaign = book.campaigns[campaignID] else {
                return .stillInvalid("unknown campaign \(campaignID)")
            }
            guard now >= campaign.startAt else { return .stillInvalid("campaign \(campaignID) has not started") }
            let vote: VoteItem.Valid
            switch VoteItem.validate(item, campaignID: campaignID) {
            case .success(let valid): vote = valid
            case .failure(let rejection): return .stillInvalid(rejection.reason)
            }
            let batch = try VoteBatch(
                [vote], campaignID: campaignID, workspaceID: workspaceID, requestID: "quarantine-\(id)",
                sender: "quarantine-replay")
            try await campaigns.log.stateRecordingTime(on: connection)
            let repeats = try await batch.recordVotes(on: connection, log: campaigns.log)
            try await connection.query(
                "UPDATE quarantine SET status = 'replayed', resolved_at = now() WHERE id = \(id)",
                logger: logger
            )
            return .recorded(isRepeat: repeats == 1)
        }
    }

    /// Marks an entry as given up on; false when there was no held entry with that id.
    public func discard(id: Int64) async throws -> Bool {
        let rows = try await client.leasedQuery(
            "UPDATE quarantine SET status = 'discarded', resolved_at = now() WHERE id = \(id) AND status = 'held' RETURNING id",
            logger: logger
        )
        return rows.count == 1
    }
}
