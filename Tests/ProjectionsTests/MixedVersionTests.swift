import EventStore
import Foundation
import NPSDomain
import PostgresNIO
import Projections
import TestSupport
import Testing

/// VoteCast versions 2 (roles a sorted set) and 3 (the ids in the stream id
/// only) beside version 1 rows left in the log: folds and Swift readers see
/// one shape, and a campaign whose votes were written in all three versions
/// has the figures of one written all in version 1, a vote changed in a
/// later version than it was cast in included.
@Suite("Mixed VoteCast versions")
struct MixedVersionTests {
    static let roleLists: [[String]] = [
        ["user"], [], ["user", "user"], ["user", "admin"], ["admin", "user", "admin"], ["Zeta", "alpha", "Alpha"],
        ["é", "e", "E", "z"], ["livechat-agent", "bot", "user", "bot"],
    ]

    @Test("versions 1, 2 and 3 of the same votes give identical read models; replay keeps them")
    func mixedVersionsFoldAlike() async throws {
        try await TestDatabase.with { database in
            for workspace in ["w1", "w2"] {
                for (index, roles) in Self.roleLists.enumerated() {
                    for campaign in ["all-v1", "mixed"] {
                        let vote = (
                            identifier: String(format: "%064x", index), score: index % 11, roles: roles,
                            comment: index % 2 == 0 ? "comment \(index)" : nil
                        )
                        let version = campaign == "mixed" ? 1 + index % 3 : 1
                        let event = try versioned(
                            version, campaign, workspace, vote.identifier, vote.roles, vote.score, vote.comment)
                        try await database.log.append([event], to: "votes/\(campaign)/\(workspace)")
                    }
                }
                // Changes of votes cast in an earlier version: in the fold's shard of the workspace whatever the
                // version, each replaces the vote it changes.
                for index in [0, 1, 3] {
                    for campaign in ["all-v1", "mixed"] {
                        let event = try versioned(
                            campaign == "mixed" ? 3 : 1, campaign, workspace, String(format: "%064x", index), ["user"],
                            10 - index, nil)
                        try await database.log.append([event], to: "votes/\(campaign)/\(workspace)")
                    }
                }
            }
            try await ProjectionCatchUp.untilCurrent(database)
            try await expectSameFigures(database)
            _ = try await replay("votes", .swap, database)
            try await expectSameFigures(database)
            #expect(try await replay("votes", .verify, database).differences == 0)

            // A vote counts once in each of its roles, whichever version it was written in.
            let userVotes = try await database.app.query(
                "SELECT sum(votes)::int8 FROM campaign_role_scores WHERE campaign_id = 'all-v1' AND role = 'user'",
                logger: database.logger
            ).collect().first?.decode(Int.self)
            let changed = [0, 1, 3].filter { !Self.roleLists[$0].contains("user") }.count
            #expect(userVotes == 2 * (Self.roleLists.filter { $0.contains("user") }.count + changed))
            let versions = try await database.app.query(
                "SELECT DISTINCT schema_version::int8 FROM event_log WHERE event_type = 'VoteCast' ORDER BY 1",
                logger: database.logger
            ).collect().map { try $0.decode(Int.self) }
            #expect(versions == [1, 2, 3])
        }
    }

    @Test(
        "version 4, which says what a change replaced, folds to version 3's figures; the vote list reads it as current_votes held version 3"
    )
    func replacesFoldsAsTheStoredVote() async throws {
        try await TestDatabase.with { database in
            typealias Item = (index: Int, score: Int, roles: [String], comment: String?)
            let first: [Item] = Self.roleLists.indices.map {
                ($0, $0 % 11, Self.roleLists[$0], $0 % 2 == 0 ? "comment \($0)" : nil)
            }
            // Changes of score, of roles, of the comment alone (the counts move out and back in),
            // a repeat, 9 then 3 then 9 again across batches, and a change back and forth in one fold.
            let uploads: [[Item]] = [
                first,
                [(0, 9, ["user"], nil), (1, 1, ["admin"], nil), (3, 3, Self.roleLists[3], "changed"), first[2]],
                [(0, 3, ["user"], nil), (4, 10, [], nil)],
                [(0, 9, ["user"], nil), (4, 4, ["bot"], "late"), (5, 0, ["user"], nil)],
            ]
            var stored: [String: String] = [:]
            for (step, upload) in uploads.enumerated() {
                for workspace in ["w1", "w2"] {
                    // Version 4 through the ingest's own function, which decides repeats and adds "replaces".
                    let payloads = try upload.map { item in
                        try EventJSON.encode(
                            VoteCast(
                                campaignID: "v4", workspaceID: workspace,
                                identifier: String(format: "%064x", item.index),
                                roles: item.roles, score: item.score, comment: item.comment))
                    }
                    _ = try await database.app.query(
                        """
                        SELECT count(*)::int8 FROM record_votes(
                            'votes/v4/' || \(workspace), 'v4', \(workspace),
                            ARRAY(SELECT p->>'identifier' FROM unnest(\(payloads)::jsonb[]) WITH ORDINALITY AS u(p, i) ORDER BY i),
                            ARRAY(SELECT md5((p - 'identifier')::text)::uuid
                                    FROM unnest(\(payloads)::jsonb[]) WITH ORDINALITY AS u(p, i) ORDER BY i),
                            ARRAY(SELECT gen_random_uuid() FROM unnest(\(payloads)::jsonb[])),
                            \(payloads)::jsonb[], '{}', 3::smallint, NULL)
                        """, logger: database.logger
                    ).collect()
                    // Version 3 of the votes that were not repeats, appended as that version's ingest did.
                    for item in upload {
                        let key = "\(workspace)/\(item.index)"
                        let content = "\(item.score)|\(VoteCast.normalizedRoles(item.roles))|\(item.comment ?? "")"
                        guard stored[key] != content else { continue }
                        stored[key] = content
                        let event = try versioned(
                            3, "v3", workspace, String(format: "%064x", item.index), item.roles, item.score,
                            item.comment)
                        try await database.log.append([event], to: "votes/v3/\(workspace)")
                    }
                }
                if step == 1 { try await ProjectionCatchUp.untilCurrent(database) }
            }
            try await ProjectionCatchUp.untilCurrent(database)
            let replaced = try await database.app.query(
                """
                SELECT count(*)::int8 FROM event_log
                 WHERE stream_id LIKE 'votes/v4/%' AND event_type = 'VoteCast' AND schema_version = 4
                   AND payload ? 'replaces'
                """, logger: database.logger
            ).collect().first?.decode(Int.self)
            #expect(
                replaced == 2 * 8,
                "every change (three, two, three in the uploads after the first) says what it replaced")
            try await expectSameFigures(database, of: ("v3", "v4"), leavingOut: ["current_votes"])

            // The vote list of version 4 (listed_votes) is what current_votes holds of version 3.
            let listed = try await database.app.query(
                """
                SELECT workspace_id || ' ' || identifier || ' ' || score || ' ' || roles::text || ' '
                       || coalesce(comment, '-')
                  FROM listed_votes WHERE campaign_id = 'v4' ORDER BY 1
                """, logger: database.logger
            ).collect().map { try $0.decode(String.self) }
            let held = try await database.app.query(
                """
                SELECT workspace_id || ' ' || identifier || ' ' || score || ' ' || roles::text || ' '
                       || coalesce(comment, '-')
                  FROM current_votes WHERE campaign_id = 'v3' ORDER BY 1
                """, logger: database.logger
            ).collect().map { try $0.decode(String.self) }
            #expect(listed == held)
            #expect(listed.count == 2 * Self.roleLists.count)

            // Where batches end does not matter to the additive fold either.
            let projected = try await ReadModels.snapshot(database)
            ReadModels.expectEqual(projected, try await ReadModels.foldFromScratch(database, batchSize: 1))
        }
    }

    @Test("every version reads back in Swift as the same VoteCast, its ids from the stream id")
    func everyVersionDecodes() async throws {
        for version in 1...VoteCast.schemaVersion {
            let stored = try versioned(
                version, "c1", "w1", String(repeating: "a", count: 64), ["user", "admin"], 7, nil)
            #expect(stored.schemaVersion == version)
            let decoded = try EventDecoder().decode(
                type: "VoteCast", schemaVersion: version, payload: stored.payload, streamID: "votes/c1/w1")
            #expect(
                decoded
                    == .voteCast(
                        VoteCast(
                            campaignID: "c1", workspaceID: "w1", identifier: String(repeating: "a", count: 64),
                            roles: ["admin", "user"], score: 7, comment: nil)),
                "version \(version)")
        }
        // Without its stream, a version 3 vote has no campaign nor workspace.
        let current = try versioned(3, "c1", "w1", String(repeating: "a", count: 64), ["user"], 7, nil)
        #expect(!current.payload.contains("c1") && !current.payload.contains("w1"))
        for stream in ["", "c1/w1", "votes/c1", "votes//w1"] {
            #expect(throws: EventDecodingError.self, "\(stream)") {
                try EventDecoder().decode(
                    type: "VoteCast", schemaVersion: 3, payload: current.payload, streamID: stream)
            }
        }
    }

    @Test("the SQL upcaster and the Swift one agree; EventDecoder reads version 1 as version 2")
    func upcastersAgree() async throws {
        try await TestDatabase.with { database in
            for roles in Self.roleLists {
                let json = try EventJSON.encode(roles)
                let rows = try await database.app.query(
                    "SELECT vote_cast_roles_v2(\(json)::jsonb)::text", logger: database.logger)
                var upcast: [String]?
                for try await text in rows.decode(String.self) {
                    upcast = try EventJSON.decode([String].self, from: text)
                }
                #expect(upcast == VoteCast.normalizedRoles(roles), "\(roles)")

                let stored = try versioned(1, "c1", "w1", String(repeating: "a", count: 64), roles, 7, nil)
                let decoded = try EventDecoder().decode(
                    type: "VoteCast", schemaVersion: 1, payload: stored.payload, streamID: "votes/c1/w1")
                guard case .voteCast(let vote) = decoded else {
                    Issue.record("not a VoteCast: \(decoded)")
                    continue
                }
                #expect(vote.roles == VoteCast.normalizedRoles(roles))
            }
        }
    }
}

/// A VoteCast as `version` wrote it: 1 with the roles as the workspace sent them, 2 as a sorted set, both with
/// the ids in the payload; 3 without them; 4 as the ingest writes a new key now (nothing replaced).
private func versioned(
    _ version: Int, _ campaign: String, _ workspace: String, _ identifier: String, _ roles: [String], _ score: Int,
    _ comment: String?
) throws -> NewEvent {
    if version == VoteCast.schemaVersion {
        return try NewEvent(
            VoteCast(
                campaignID: campaign, workspaceID: workspace, identifier: identifier, roles: roles, score: score,
                comment: comment))
    }
    let stored = version == 1 ? roles : VoteCast.normalizedRoles(roles)
    var members: [String: JSONValue] = [
        "identifier": .string(identifier), "roles": .array(stored.map(JSONValue.string)),
        "score": .number(Double(score)),
    ]
    if version < 3 {
        members["campaignID"] = .string(campaign)
        members["workspaceID"] = .string(workspace)
    }
    if let comment { members["comment"] = .string(comment) }
    return NewEvent(
        type: "VoteCast", schemaVersion: version, payload: try EventJSON.encode(JSONValue.object(members)))
}

/// Every votes table's rows of the two campaigns, the campaign left out, are equal.
private func expectSameFigures(
    _ database: TestDatabase, of campaigns: (String, String) = ("all-v1", "mixed"), leavingOut: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation
)
    async throws
{
    for table in ProjectionCatalog.tables(of: "votes") where !leavingOut.contains(table) {
        // The campaign and the times differ between the two campaigns by construction.
        let ignored = ["campaign_id", "first_cast_at", "changed_at", "day"] + (ReadModels.bookkeeping[table] ?? [])
        var rows: [String: [String]] = [:]
        for campaign in [campaigns.0, campaigns.1] {
            let found = try await database.app.query(
                """
                SELECT (to_jsonb(t) - \(ignored)::text[])::text
                  FROM \(unescaped: table) t WHERE campaign_id = \(campaign) ORDER BY 1
                """, logger: database.logger)
            for try await row in found.decode(String.self) { rows[campaign, default: []].append(row) }
        }
        #expect(rows[campaigns.0] == rows[campaigns.1], "\(table) differs", sourceLocation: sourceLocation)
        #expect(!(rows[campaigns.1] ?? []).isEmpty, "\(table) is empty", sourceLocation: sourceLocation)
    }
}
