import EventStore
import Foundation
import Logging
import NPSDomain
import PostgresNIO

/// Raw statistics documents, outside the append-only log
/// (`schema/0080_statistics_documents.sql`; purged by `schema/functions/purge_workspace.sql`), kept `retention` and then
/// deleted: the log records the facts the read models use
/// (`WorkspaceProfileChanged`), not every daily document.
public struct StatisticsDocuments: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public static let defaultRetentionDays = 30

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Keeps a document; the same report id twice is one row.
    func keep(
        reportID: UUID, workspaceID: String, verified: Bool, receivedAt: Date, document: JSONValue
    ) async throws {
        let text = try EventJSON.encode(document)
        try await client.leasedQuery(
            """
            INSERT INTO statistics_documents (report_id, workspace_id, verified, received_at, document)
            VALUES (\(reportID), \(workspaceID), \(verified), \(receivedAt), \(text)::jsonb)
            ON CONFLICT (workspace_id, report_id) DO NOTHING
            """,
            logger: logger)
    }

    /// Deletes the documents received before `cutoff`; returns how many.
    public func deleteReceived(before cutoff: Date) async throws -> Int {
        let rows = try await client.leasedQuery(
            """
            WITH gone AS (DELETE FROM statistics_documents WHERE received_at < \(cutoff) RETURNING 1)
            SELECT count(*)::int8 FROM gone
            """,
            logger: logger)
        return try rows.first?.decode(Int.self) ?? 0
    }

    /// How many documents of the workspace are kept.
    public func count(of workspaceID: String) async throws -> Int {
        try await client.leasedQuery(
            "SELECT count(*)::int8 FROM statistics_documents WHERE workspace_id = \(workspaceID)", logger: logger
        ).first?.decode(Int.self) ?? 0
    }
}
