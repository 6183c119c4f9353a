import EventStore
import Foundation
import NPSDomain
import PostgresNIO
import Projections
import TestSupport
import Testing

/// A decided privacy rule is kept for the exact state of the voter groups
/// it was decided from (the campaign's groups tag, read in the answer's
/// snapshot) and for no other.
@Suite("Disclosure cache: one decision per state of a campaign's voter groups")
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

    @Test(
        "kept while the campaign's groups stand still, other campaigns' batches included; decided again when a batch moves them, a rebuild or a purge"
    )
    func keyedByTheCampaignsGroups() async throws {
        try await TestDatabase.with { database in
            try await database.owner.query(
                """
                INSERT INTO voter_groups (campaign_id, workspace_id, roles, votes, promoters, detractors)
                VALUES ('c1', 'big-1', '["user"]', 20, 10, 5), ('c1', 'big-2', '["user"]', 20, 10, 5),
                       ('c1', 'big-3', '["user"]', 20, 10, 5), ('c1', 'small', '["user"]', 4, 2, 1)
                """,
                logger: database.logger)
            try await database.owner.query(
                """
                INSERT INTO campaign_voting (campaign_id, shard, voting_workspaces, reported_voters, reported_total,
                                             batches)
                VALUES ('c1', 0, 4, 0, 0, 1), ('c2', 0, 1, 0, 0, 1)
                """,
                logger: database.logger)
            try await database.owner.query(
                "INSERT INTO projections (name, version, position) VALUES ('votes/0', 5, 10)", logger: database.logger)
            let cache = DisclosureCache()
            #expect(try await Self.isSmallWithheld(database, cache))

            // A batch of another campaign's votes moves the checkpoint and c2's row, not c1's: the kept
            // decision, although c1's groups moved behind the fold's back.
            try await database.owner.query(
                "UPDATE voter_groups SET votes = 8 WHERE workspace_id = 'small'", logger: database.logger)
            try await database.owner.query(
                "UPDATE projections SET position = 11 WHERE name = 'votes/0'", logger: database.logger)
            try await database.owner.query(
                "UPDATE campaign_voting SET batches = batches + 1 WHERE campaign_id = 'c2'", logger: database.logger)
            #expect(try await Self.isSmallWithheld(database, cache))
            // Without the cache the rule sees the 8 votes.
            #expect(!(try await Self.isSmallWithheld(database, DisclosureCache())))

            // A batch that moved c1: decided again.
            try await database.owner.query(
                "UPDATE campaign_voting SET batches = batches + 1 WHERE campaign_id = 'c1'", logger: database.logger)
            #expect(!(try await Self.isSmallWithheld(database, cache)))

            // A rebuild of the votes read model: decided again.
            try await database.owner.query(
                "UPDATE voter_groups SET votes = 4 WHERE workspace_id = 'small'", logger: database.logger)
            try await database.owner.query(
                "UPDATE projections SET rebuilds = rebuilds + 1 WHERE name = 'votes/0'", logger: database.logger)
            #expect(try await Self.isSmallWithheld(database, cache))

            // A purge: decided again.
            try await database.owner.query(
                "UPDATE voter_groups SET votes = 8 WHERE workspace_id = 'small'", logger: database.logger)
            try await database.owner.query(
                """
                INSERT INTO event_log_purges (workspace_id, requested_by, tombstone_id)
                VALUES ('gone', 'a test', gen_random_uuid())
                """,
                logger: database.logger)
            #expect(!(try await Self.isSmallWithheld(database, cache)))
        }
    }
}
