import Crypto
import EventStore
import Foundation
import Logging
import NPSDomain
import PostgresNIO
import Synchronization

/// One answer of a campaign's landing page, already checked.
public struct LandingAnswer: Sendable {
    public var campaignID: String
    /// The random id the browser keeps in its cookie; the vote's identifier is derived from it.
    public var browserID: String
    public var score: Int
    public var reason: String?
    /// Only when the page asks for it and the consent box was ticked.
    public var contact: LandingContact?
    public var requestID: String

    public init(
        campaignID: String, browserID: String, score: Int, reason: String?, contact: LandingContact?,
        requestID: String
    ) {
        self.campaignID = campaignID
        self.browserID = browserID
        self.score = score
        self.reason = reason
        self.contact = contact
        self.requestID = requestID
    }

    /// The voter identifier: lowercase hex SHA-256 of the browser id and the campaign id, so
    /// the same browser voting again replaces its vote, exactly like a workspace user.
    public var identifier: String {
        sha256Hex(Array((browserID + campaignID).utf8))
    }
}

/// A contact row as the admin API and CLI show it.
public struct LandingContactRecord: Sendable, Codable, Equatable {
    public var identifier: String
    public var firstName: String?
    public var lastName: String?
    public var email: String?
    public var consentedAt: Date
}

/// The write side of landing pages: an answer becomes a `VoteCast` of the
/// campaign's landing source through the same `record_votes` as workspace
/// uploads (with its `ResultsReceived`, so the source has its row in every
/// breakdown), and consented contact details go to `landing_contacts` in the
/// same transaction, never to the log.
public struct LandingPageIngest: Sendable {
    public let log: EventLog
    public var client: PostgresClient { log.client }
    public var logger: Logger { log.logger }
    private let keyCache = KeyCache()

    public init(log: EventLog) {
        self.log = log
    }

    /// Records the answer; true when it was a repeat of the browser's current vote.
    @discardableResult
    public func record(_ answer: LandingAnswer) async throws -> Bool {
        let source = LandingSource.workspaceID(campaignID: answer.campaignID)
        let identifier = answer.identifier
        let vote = VoteItem.Valid(identifier: identifier, roles: [], score: answer.score, comment: answer.reason)
        let batch = try VoteBatch(
            [vote], campaignID: answer.campaignID, workspaceID: source, requestID: answer.requestID)
        let receipt = Receipt(id: EventID.make(), total: nil, items: 1, quarantined: 0)
        let contact = answer.contact
        let logger = self.logger
        let log = self.log
        return try await client.inTransaction(logger: logger) { connection in
            let recorded = try await batch.record(receipt, on: connection, log: log)
            if let contact, !contact.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO landing_contacts AS kept
                           (campaign_id, workspace_id, identifier, first_name, last_name, email)
                    VALUES (\(answer.campaignID), \(source), \(identifier), \(contact.firstName), \(contact.lastName),
                            \(contact.email))
                        ON CONFLICT (campaign_id, workspace_id, identifier) DO UPDATE
                       SET first_name = excluded.first_name, last_name = excluded.last_name, email = excluded.email,
                           consented_at = now()
                    """,
                    logger: logger
                )
            }
            return recorded.repeats == 1
        }
    }

    /// The contact details left on the campaign's landing page, by voter identifier (admins only).
    public func contacts(of campaignID: String) async throws -> [LandingContactRecord] {
        let rows = try await client.leasedQuery(
            """
            SELECT identifier, first_name, last_name, email, consented_at
              FROM landing_contacts
             WHERE campaign_id = \(campaignID) AND workspace_id = \(LandingSource.workspaceID(campaignID: campaignID))
             ORDER BY consented_at, identifier
            """,
            logger: logger
        )
        var records: [LandingContactRecord] = []
        for row in rows {
            let (identifier, first, last, email, consented) = try row.decode(
                (String, String?, String?, String?, Date).self)
            records.append(
                .init(identifier: identifier, firstName: first, lastName: last, email: email, consentedAt: consented))
        }
        return records
    }

    /// A new browser id for the landing cookie: 256 random bits, URL-safe base64.
    public static func newBrowserID() -> String { TokenSecret.randomBits() }

    /// What `newBrowserID` makes; anything else in the cookie is replaced by a new id.
    public static func isBrowserID(_ text: String) -> Bool {
        text.utf8.count == 43
            && text.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_")
            }
    }

    /// The CSRF token of the landing form: HMAC-SHA256 (the database's
    /// `landing_page_key`) of the browser id and the campaign, in hex. It
    /// only verifies with the cookie it was made for.
    public func csrfToken(browserID: String, campaignID: String) async throws -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array("\(browserID)\u{1F}\(campaignID)".utf8), using: try await signingKey())
        return mac.lowercaseHex
    }

    /// Whether `token` is the CSRF token of this browser and campaign (compared in constant time).
    public func verifyCSRF(_ token: String, browserID: String, campaignID: String) async throws -> Bool {
        let expected = try await csrfToken(browserID: browserID, campaignID: campaignID)
        return TokenSecret.constantTimeEquals(Array(token.utf8), Array(expected.utf8))
    }

    /// The key CSRF tokens are signed with, shared by every collector through
    /// the database; read once per process (it never changes).
    func signingKey() async throws -> SymmetricKey {
        if let key = keyCache.key.withLock({ $0 }) { return SymmetricKey(data: key) }
        let rows = try await client.leasedQuery("SELECT key FROM landing_page_key", logger: logger)
        guard let key = try rows.first?.decode(ByteBuffer.self).readableBytesView.map({ $0 }) else {
            throw LandingPageKeyMissing()
        }
        keyCache.key.withLock { $0 = key }
        return SymmetricKey(data: key)
    }
}

public struct LandingPageKeyMissing: Error, CustomStringConvertible {
    public var description: String { "landing_page_key has no row (migration 0061)" }
}

final class KeyCache: Sendable {
    let key = Mutex<[UInt8]?>(nil)
}
