import EventStore
import Foundation
import Logging
import NPSDomain
import PostgresNIO

/// Dashboard sessions (`dashboard_sessions`, schema/0091): an opaque random
/// id for the browser's cookie, stored as its SHA-256 with an expiry on the
/// collector's clock; revocable at sign-out, and dead with its token.
public struct DashboardSessionStore: Sendable {
    public static let lifetime: TimeInterval = 12 * 3_600

    public let client: PostgresClient
    public let clock: any CollectorClock
    public let logger: Logger

    public init(client: PostgresClient, clock: any CollectorClock, logger: Logger) {
        self.client = client
        self.clock = clock
        self.logger = logger
    }

    /// A new session for a live token's identity; the id is returned once, for the cookie.
    public func open(for identity: Identity) async throws -> String {
        let id = TokenSecret.randomBits()
        let now = clock.now
        try await client.leasedQuery(
            """
            INSERT INTO dashboard_sessions (session_hash, token_id, created_at, expires_at)
            VALUES (\(Data(TokenSecret.hash(id))), \(identity.tokenID), \(now), \(now.addingTimeInterval(Self.lifetime)))
            """,
            logger: logger)
        return id
    }

    /// The identity of a session that is neither expired, signed out, nor of a revoked token.
    public func authenticate(_ id: String) async throws -> Identity? {
        guard id.utf8.count < 256 else { return nil }
        let rows = try await client.leasedQuery(
            """
            SELECT t.id, t.scope FROM dashboard_sessions s JOIN api_tokens t ON t.id = s.token_id
             WHERE s.session_hash = \(Data(TokenSecret.hash(id))) AND s.revoked_at IS NULL
               AND s.expires_at > \(clock.now) AND t.revoked_at IS NULL
            """,
            logger: logger)
        for row in rows {
            let (tokenID, scope) = try row.decode((UUID, String).self)
            return Scope(rawValue: scope).map { Identity(tokenID: tokenID, scope: $0, workspaceID: nil) }
        }
        return nil
    }

    /// Signs the session out; unknown ids are ignored.
    public func revoke(_ id: String) async throws {
        guard id.utf8.count < 256 else { return }
        try await client.leasedQuery(
            """
            UPDATE dashboard_sessions SET revoked_at = \(clock.now)
             WHERE session_hash = \(Data(TokenSecret.hash(id))) AND revoked_at IS NULL
            """,
            logger: logger)
    }
}
