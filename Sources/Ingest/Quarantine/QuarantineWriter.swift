import EventStore
import Foundation
import Logging
import NPSDomain
import PostgresNIO

/// Keeps what an upload could not turn into events (schema/0010_quarantine.sql).
/// The same thing quarantined twice (an upload sent again) is kept once.
struct QuarantineWriter: Sendable {
    let upload: ResultsUpload

    func keepBody(reason: String, client: PostgresClient, logger: Logger) async throws {
        try await client.leased { connection in
            try await insert([(nil, upload.body, reason)], on: connection, logger: logger)
        }
    }

    func keepItems(_ items: [(Int, JSONValue, String)], client: PostgresClient, logger: Logger) async throws {
        try await client.leased { connection in
            try await keepItems(items, on: connection, logger: logger)
        }
    }

    func keepItems(_ items: [(Int, JSONValue, String)], on connection: PostgresConnection, logger: Logger) async throws
    {
        guard !items.isEmpty else { return }
        let rows = try items.map { index, item, reason in
            (Optional(index), Array(try EventJSON.encode(item).utf8), reason)
        }
        try await insert(rows, on: connection, logger: logger)
    }

    private func insert(
        _ rows: [(index: Int?, raw: [UInt8], reason: String)],
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        // Arrays of bytea cannot be bound, so the raw bytes travel as base64 and
        // a missing item index as -1.
        try await connection.query(
            """
            INSERT INTO quarantine (request_id, workspace_id, campaign_id, item_index, raw, reason, fingerprint)
            SELECT \(upload.requestID), \(upload.workspaceID), \(upload.campaignID),
                   nullif(item.index, -1), decode(item.raw, 'base64'), item.reason, item.fingerprint
              FROM unnest(
                     \(rows.map { Int32($0.index ?? -1) }), \(rows.map { Data($0.raw).base64EncodedString() }),
                     \(rows.map(\.reason)), \(rows.map { EventID.digest(of: $0.raw) }))
                   AS item(index, raw, reason, fingerprint)
                ON CONFLICT DO NOTHING
            """,
            logger: logger
        )
    }
}
