import EventStore
import Foundation
import NPSDomain
import PostgresNIO
import Projections
import TestSupport
import Testing

/// VoteCast version 2 (roles a sorted set) beside version 1 rows left in
/// the log: folds and Swift readers see one shape, and a campaign whose
/// votes were written half in each version has the figures of one written
/// all in version 1.
@Suite("Mixed VoteCast versions")
struct MixedVersionTests {
    static let roleLists: [[String]] = [
        ["user"], [], ["user", "user"], ["user", "admin"], ["admin", "user", "admin"], ["Zeta", "alpha", "Alpha"],
        ["é", "e", "E", "z"], ["livechat-agent", "bot", "user", "bot"],
    ]

    @Test("version 1 and version 2 of the same votes give identical read models; replay keeps them")
    func mixedVersionsFoldAlike() async throws {
        try await TestDatabase.with { database in
            for (index, roles) in Self.roleLists.enumerated() {
                for campaign in ["all-v1", "mixed"] {
                    let vote = (
                        identifier: String(format: "%064x", index), score: index % 11, roles: roles,
                        comment: index % 2 == 0 ? "comment \(index)" : nil
                    )
                    let event: NewEvent
                    if campaign == "mixed" && index % 2 == 1 {
                        event = try NewEvent(
                            VoteCast(
                                campaignID: campaign, workspaceID: "w1", identifier: vote.identifier, roles: vote.roles,
                                score: vote.score, comment: vote.comment))
                        #expect(event.schemaVersion == 2)
                    } else {
                        event = try versionOne(campaign, vote.identifier, vote.roles, vote.score, vote.comment)
                    }
                    try await database.log.append([event], to: "votes/\(campaign)/w1")
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
            #expect(userVotes == Self.roleLists.filter { $0.contains("user") }.count)
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

                let stored = try versionOne("c1", String(repeating: "a", count: 64), roles, 7, nil)
                let decoded = try EventDecoder().decode(type: "VoteCast", schemaVersion: 1, payload: stored.payload)
                guard case .voteCast(let vote) = decoded else {
                    Issue.record("not a VoteCast: \(decoded)")
                    continue
                }
                #expect(vote.roles == VoteCast.normalizedRoles(roles))
            }
        }
    }
}

/// A VoteCast as version 1 wrote it: roles as the workspace sent them.
private func versionOne(
    _ campaign: String, _ identifier: String, _ roles: [String], _ score: Int, _ comment: String?
) throws -> NewEvent {
    var members: [String: JSONValue] = [
        "campaignID": .string(campaign), "workspaceID": .string("w1"), "identifier": .string(identifier),
        "roles": .array(roles.map(JSONValue.string)), "score": .number(Double(score)),
    ]
    if let comment { members["comment"] = .string(comment) }
    return NewEvent(type: "VoteCast", schemaVersion: 1, payload: try EventJSON.encode(JSONValue.object(members)))
}

/// Every votes table's rows of the two campaigns, the campaign left out, are equal.
private func expectSameFigures(
    _ database: TestDatabase, sourceLocation: SourceLocation = #_sourceLocation
)
    async throws
{
    for table in ProjectionCatalog.tables(of: "votes") {
        var rows: [String: [String]] = [:]
        for campaign in ["all-v1", "mixed"] {
            let found = try await database.app.query(
                """
                SELECT (to_jsonb(t) - ARRAY['campaign_id', 'replaced_score', 'replaced_roles', 'replaced_at',
                                            'first_cast_at', 'changed_at', 'day'])::text
                  FROM \(unescaped: table) t WHERE campaign_id = \(campaign) ORDER BY 1
                """, logger: database.logger)
            for try await row in found.decode(String.self) { rows[campaign, default: []].append(row) }
        }
        #expect(rows["all-v1"] == rows["mixed"], "\(table) differs", sourceLocation: sourceLocation)
        #expect(!(rows["mixed"] ?? []).isEmpty, "\(table) is empty", sourceLocation: sourceLocation)
    }
}
