import EventStore
import Foundation
import NPSDomain
import PostgresNIO
import Projections
import TestSupport
import Testing

/// A decided privacy rule is kept for the exact state of the read models it
/// was decided from (the version tag read in the answer's snapshot) and for
/// no other.
@Suite("Disclosure cache: one decision per read-model state")
struct DisclosureCacheTests {
    static let campaign = Campaign(
        id: "c1", startAt: Date(timeIntervalSince1970: 0), expireAt: Date(timeIntervalSince1970: 86_400),
        roles: [], survey: .null, announcedAt: Date(timeIntervalSince1970: 0), closedAt: nil)

    /// Whether workspace `small` is withheld, as an answer's snapshot decides it through `cache`.
    static func isSmallWithheld(_ database: TestDatabase, _ cache: DisclosureCache) async throws -> Bool {
        try await ReadSnapshot.run(on: database.app, logger: database.logger) { snapshot in
            let layer = PrivacyLayer(
                source: snapshot, threshold: PrivacyThreshold(k: 5), policy: .live, disclosures: cache,
                logger: database.logger)
            return try await layer.disclosure(of: Self.campaign).isWorkspaceWithheld("small")
        }
    }

    @Test("kept while the tag holds, decided again when a checkpoint moves")
    func keyedByTheSnapshotsTag() async throws {
        try await TestDatabase.with { database in
            try await database.owner.query(
                """
                INSERT INTO voter_groups (campaign_id, workspace_id, roles, votes, promoters, detractors)
                VALUES ('c1', 'big-1', '["user"]', 20, 10, 5), ('c1', 'big-2', '["user"]', 20, 10, 5),
                       ('c1', 'big-3', '["user"]', 20, 10, 5), ('c1', 'small', '["user"]', 4, 2, 1)
                """,
                logger: database.logger)
            try await database.owner.query(
                "INSERT INTO projections (name, version, position) VALUES ('votes/0', 3, 10)", logger: database.logger)
            let cache = DisclosureCache()
            #expect(try await Self.isSmallWithheld(database, cache))

            // The same tag: the kept decision, although the table moved behind the checkpoint's back.
            try await database.owner.query(
                "UPDATE voter_groups SET votes = 8 WHERE workspace_id = 'small'", logger: database.logger)
            #expect(try await Self.isSmallWithheld(database, cache))
            // Without the cache the rule sees the 8 votes.
            #expect(!(try await Self.isSmallWithheld(database, DisclosureCache())))

            // A projector's batch moves the checkpoint: decided again.
            try await database.owner.query(
                "UPDATE projections SET position = 11 WHERE name = 'votes/0'", logger: database.logger)
            #expect(!(try await Self.isSmallWithheld(database, cache)))
        }
    }
}
