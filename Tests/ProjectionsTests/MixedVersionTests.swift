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
/// the ids in the payload; 3 as the ingest writes it now.
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
        "campaignID": .string(campaign), "workspaceID": .string(workspace), "identifier": .string(identifier),
        "roles": .array(stored.map(JSONValue.string)), "score": .number(Double(score)),
    ]
    if let comment { members["comment"] = .string(comment) }
    return NewEvent(
        type: "VoteCast", schemaVersion: version, payload: try EventJSON.encode(JSONValue.object(members)))
}

/// Every votes table's rows of the two campaigns, the campaign left out, are equal.
private func expectSameFigures(
    _ database: TestDatabase, sourceLocation: SourceLocation = #_sourceLocation
)
    async throws
{
    for table in ProjectionCatalog.tables(of: "votes") {
        // The campaign and the times differ between the two campaigns by construction.
        let ignored = ["campaign_id", "first_cast_at", "changed_at", "day"] + (ReadModels.bookkeeping[table] ?? [])
        var rows: [String: [String]] = [:]
        for campaign in ["all-v1", "mixed"] {
            let found = try await database.app.query(
                """
                SELECT (to_jsonb(t) - \(ignored)::text[])::text
                  FROM \(unescaped: table) t WHERE campaign_id = \(campaign) ORDER BY 1
                """, logger: database.logger)
            for try await row in found.decode(String.self) { rows[campaign, default: []].append(row) }
        }
        #expect(rows["all-v1"] == rows["mixed"], "\(table) differs", sourceLocation: sourceLocation)
        #expect(!(rows["mixed"] ?? []).isEmpty, "\(table) is empty", sourceLocation: sourceLocation)
    }
}
