import EventStore
import Foundation
import Logging
import PostgresNIO

/// Bearer tokens in `api_tokens` (schema/0007): stored as SHA-256 only.
/// With `changes`, verified tokens are kept in memory (`VerifiedTokens`)
/// and a revocation takes effect in every process when the notification of
/// its commit arrives (within `ChangeNotifications.staleAfter` at worst).
public struct TokenStore: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    private let verified: VerifiedTokens?

    public init(client: PostgresClient, logger: Logger, changes: ChangeNotifications? = nil) {
        self.client = client
        self.logger = logger
        self.verified = changes.map(VerifiedTokens.init(changes:))
    }

    public func create(scope: Scope, workspaceID: String? = nil, label: String = "") async throws -> IssuedToken {
        precondition((scope == .workspace) == (workspaceID != nil), "only workspace tokens name a workspace")
        let token = TokenSecret.generate()
        let id = EventID.make()
        try await client.leasedQuery(
            """
            INSERT INTO api_tokens (id, token_hash, scope, workspace_id, label)
            VALUES (\(id), \(Data(TokenSecret.hash(token))), \(scope.rawValue), \(workspaceID), \(label))
            """,
            logger: logger
        )
        return IssuedToken(id: id, token: token, scope: scope, workspaceID: workspaceID)
    }

    /// The identity of a live token; nil for an unknown or revoked one.
    public func authenticate(_ token: String) async throws -> Identity? {
        guard token.hasPrefix(TokenSecret.prefix), token.utf8.count < 256 else { return nil }
        let presented = TokenSecret.hash(token)
        if let identity = verified?.identity(forHash: Data(presented)) { return identity }
        // Read before the query: a revocation that commits meanwhile makes what it answers stale.
        let generation = verified?.changes.generation(of: .tokens)
        let rows = try await client.leasedQuery(
            """
            SELECT id, token_hash, scope, workspace_id FROM api_tokens
             WHERE token_hash = \(Data(presented)) AND revoked_at IS NULL
            """,
            logger: logger
        )
        for row in rows {
            let (id, stored, scope, workspaceID) = try row.decode((UUID, Data, String, String?).self)
            guard TokenSecret.constantTimeEquals(Array(stored), presented), let scope = Scope(rawValue: scope) else {
                return nil
            }
            let identity = Identity(tokenID: id, scope: scope, workspaceID: workspaceID)
            if let generation { verified?.keep(identity, forHash: stored, verifiedAt: generation) }
            return identity
        }
        return nil
    }

    /// Revokes one token; false when there was no live token with that id.
    @discardableResult
    public func revoke(id: UUID) async throws -> Bool {
        let rows = try await client.leasedQuery(
            "UPDATE api_tokens SET revoked_at = now() WHERE id = \(id) AND revoked_at IS NULL RETURNING id",
            logger: logger
        )
        defer { verified?.changes.changed(.tokens) }
        return rows.count == 1
    }

    /// Revokes every token of a workspace; returns how many.
    @discardableResult
    public func revokeAll(workspaceID: String) async throws -> Int {
        let rows = try await client.leasedQuery(
            """
            UPDATE api_tokens SET revoked_at = now()
             WHERE workspace_id = \(workspaceID) AND revoked_at IS NULL RETURNING id
            """,
            logger: logger
        )
        defer { verified?.changes.changed(.tokens) }
        return rows.count
    }
}
