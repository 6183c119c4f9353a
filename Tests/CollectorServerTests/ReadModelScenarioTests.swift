import CollectorServer
import EventStore
import Foundation
import Hummingbird
import NPSDomain
import PostgresNIO
import Projections
import TestSupport
import Testing

/// Three workspaces and two campaigns driven through the Rocket.Chat routes,
/// then every read model compared with figures worked out by hand below.
@Suite("Read models from a scenario over HTTP")
struct ReadModelScenarioTests {
    @Test("campaign summary, roles, workspace x campaign, funnel, votes, directory and trend")
    func scenario() async throws {
        try await Collector.with(workspaces: ["ws1", "ws2", "ws3"]) { collector in
            // Campaigns never overlap: c1 runs for 20 s, c2 starts after it.
            // Admins are told of a campaign only before its start, and its votes
            // count only after; the test moves the collector's clock past each start.
            let c1 = try await collector.campaign("c1", startsIn: 15, lasts: 20)
            let c2 = try await collector.campaign("c2", startsIn: 35.5)

            // Before the start: every workspace syncs and is told of c1 (the first to start);
            // ws3 then turns the survey off.
            for workspace in ["ws1", "ws2", "ws3"] {
                let sync = try await collector.sync(workspace, npsEnabled: true)
                #expect(sync.json["nps"]?["id"] == .string("c1"))
            }
            _ = try await collector.sync("ws3", npsEnabled: false)
            try await collector.statistics("ws1", #""activeUsers":10,"totalUsers":20"#)
            // Not counted: ws1 is registered, so only its own (verified) reports count.
            try await collector.statistics("ws1", #""activeUsers":999"#, verified: false)
            try await collector.statistics("ws2", #""activeUsers":4"#)

            try collector.advance(past: c1.startAt)
            for workspace in ["ws1", "ws2"] { try await collector.showSurvey("c1", to: workspace) }

            // ws1, c1: a repeat, a changed vote (7 -> 0), and 9 -> 3 -> 9.
            try await collector.expectUpload(
                "c1", "ws1", accepted: 4,
                [
                    Votes.item(1, score: 9), Votes.item(2, score: 10, roles: ["admin"]), Votes.item(3, score: 7),
                    Votes.item(4, score: 3, roles: ["user", "admin"]),
                ], total: 5)
            try await collector.expectUpload(
                "c1", "ws1", accepted: 2, [Votes.item(1, score: 9), Votes.item(3, score: 0), Votes.item(5, score: 9)],
                total: 5)
            try await collector.expectUpload("c1", "ws1", accepted: 1, [Votes.item(5, score: 3)], total: 5)
            try await collector.expectUpload("c1", "ws1", accepted: 1, [Votes.item(5, score: 9)], total: 5)
            // ws2, c1: the same identifiers as ws1's (other voters), in three batches.
            try await collector.expectUpload(
                "c1", "ws2", accepted: 2, [Votes.item(1, score: 8), Votes.item(2, score: 6)], total: 6)
            try await collector.expectUpload(
                "c1", "ws2", accepted: 2, [Votes.item(3, score: 9, roles: ["admin"]), Votes.item(4, score: 10)],
                total: 6)
            try await collector.expectUpload(
                "c1", "ws2", accepted: 2,
                [Votes.item(5, score: 5), Votes.item(6, score: 9, roles: ["user", "admin"])], total: 6)
            try await collector.expectUpload("c1", "ws1", accepted: 0, [Votes.item(1, score: 9)], total: 5)
            // ws2 turns the survey off while c1 runs, in a statistics report.
            try await collector.statistics(
                "ws2", #""activeUsers":12,"settings":{"general":{"nps":{"surveyEnabled":false}}}"#)
            #expect(c1.expireAt > collector.clock.now)

            // ws1, c2: holds 5 votes, but the batch with 3 of them never arrives.
            try collector.advance(past: c2.startAt)
            try await collector.showSurvey("c2", to: "ws1")
            try await collector.expectUpload(
                "c2", "ws1", accepted: 2, [Votes.item(11, score: 10), Votes.item(12, score: 9)], total: 5)

            try await ProjectionCatchUp.untilCurrent(collector.database)
            let models = ReadModels(database: collector.database)

            // Campaign summary: c1 pools ws1 {0, 3, 9, 9, 10} and ws2 {5, 6, 8, 9, 9, 10}.
            let c1Scores = try await models.distribution(
                "SELECT score, sum(votes)::int8 FROM campaign_scores WHERE campaign_id = 'c1' GROUP BY score")
            #expect(c1Scores.counts == [1, 0, 0, 1, 0, 1, 1, 0, 1, 4, 2])
            let c1Summary = c1Scores.summary
            #expect((c1Summary.promoters, c1Summary.passives, c1Summary.detractors) == (6, 1, 4))
            #expect(abs((c1Summary.score ?? .nan) - 100.0 * 2 / 11) < 1e-9)
            let c2Scores = try await models.distribution(
                "SELECT score, sum(votes)::int8 FROM campaign_scores WHERE campaign_id = 'c2' GROUP BY score")
            #expect(c2Scores.summary.score == 100)
            #expect(
                try await models.rows(
                    """
                    SELECT campaign_id || ' ' || count(DISTINCT workspace_id) FROM voter_groups
                     WHERE votes > 0 GROUP BY campaign_id ORDER BY 1
                    """) == ["c1 2", "c2 1"])

            // The same through the campaign summary query, with the interval from NPSDomain.
            let summary = try #require(
                try await CampaignSummaryQuery(client: collector.database.app, logger: collector.database.logger)
                    .summary(of: "c1"))
            #expect(summary.distribution == c1Scores)
            #expect(summary.votingWorkspaces == 2)
            #expect(summary.nps == NPSSummary(promoters: 6, passives: 1, detractors: 4))
            // Adjusted Wald by hand: n' = 14, p' = 6.75/14, d' = 4.75/14, z = 1.96.
            let interval = try #require(summary.nps.interval())
            #expect(abs(interval.lowerBound - -32.596) < 0.001 && abs(interval.upperBound - 61.168) < 0.001)
            #expect(summary.roles.keys.sorted() == ["admin", "user"])
            #expect(
                try await CampaignSummaryQuery(client: collector.database.app, logger: collector.database.logger)
                    .summary(of: "unknown") == nil)

            // Role breakdown: a vote counts in each of its roles.
            let user = try await models.distribution(
                "SELECT score, sum(votes)::int8 FROM campaign_role_scores WHERE campaign_id = 'c1' AND role = 'user' GROUP BY score"
            )
            #expect(user.counts == [1, 0, 0, 1, 0, 1, 1, 0, 1, 3, 1])
            let admin = try await models.distribution(
                "SELECT score, sum(votes)::int8 FROM campaign_role_scores WHERE campaign_id = 'c1' AND role = 'admin' GROUP BY score"
            )
            #expect(admin.counts == [0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 1])
            #expect(summary.roles == ["user": user, "admin": admin])

            // Workspace x campaign: per score as the directory counts them, per category as the fold keeps them.
            let entries = WorkspaceDirectoryQuery(client: collector.database.app, logger: collector.database.logger)
            let ws1 = try #require(try await entries.campaigns(of: "ws1").first { $0.campaignID == "c1" })
                .distribution
            #expect(ws1.counts == [1, 0, 0, 1, 0, 0, 0, 0, 0, 2, 1])
            #expect(ws1.summary.score == 20)
            let ws2 = try #require(try await entries.campaigns(of: "ws2").first { $0.campaignID == "c1" })
                .distribution
            #expect(abs((ws2.summary.score ?? .nan) - 100.0 / 6) < 1e-9)
            #expect(
                try await models.rows(
                    """
                    SELECT workspace_id || ' ' || sum(votes) || ' ' || sum(promoters) || ' ' || sum(detractors)
                      FROM voter_groups WHERE campaign_id = 'c1' GROUP BY workspace_id ORDER BY 1
                    """) == ["ws1 5 3 2", "ws2 \(ws2.n) \(ws2.summary.promoters) \(ws2.summary.detractors)"])
            #expect(
                try await models.rows(
                    """
                    SELECT concat_ws(' ', campaign_id, workspace_id, voters, active_users, reported_total,
                                     response_rate, delivery_completeness, uploads, items_received)
                      FROM workspace_campaign_figures ORDER BY campaign_id, workspace_id
                    """)
                    == [
                        "c1 ws1 5 10 5 0.5 1 5 10",
                        "c1 ws2 6 12 6 0.5 1 3 6",
                        "c1 ws3 0 0 0",
                        "c2 ws1 2 10 5 0.2 0.4 1 2",
                    ])

            // Funnel.
            #expect(
                try await models.rows(
                    """
                    SELECT concat_ws(' ', campaign_id, notified, shown, voted, opted_out_before_start, opted_out_during)
                      FROM campaign_funnel ORDER BY campaign_id
                    """) == ["c1 3 2 2 1 1", "c2 0 1 1 0 0"])
            // The funnel the API answers from the folds' counts is the view's.
            for campaign in ["c1", "c2"] {
                let counted = try await CampaignFunnelQuery(
                    client: collector.database.app, logger: collector.database.logger
                )
                .funnel(of: campaign)
                #expect(counted == (try await models.referenceFunnel(of: campaign)), "\(campaign)")
            }

            // Current deduplicated votes.
            #expect(
                try await models.rows(
                    """
                    SELECT concat_ws(' ', campaign_id, workspace_id, right(identifier, 2), score, roles::text)
                      FROM listed_votes ORDER BY campaign_id, workspace_id, identifier
                    """)
                    == [
                        #"c1 ws1 01 9 ["user"]"#, #"c1 ws1 02 10 ["admin"]"#, #"c1 ws1 03 0 ["user"]"#,
                        #"c1 ws1 04 3 ["admin", "user"]"#, #"c1 ws1 05 9 ["user"]"#,
                        #"c1 ws2 01 8 ["user"]"#, #"c1 ws2 02 6 ["user"]"#, #"c1 ws2 03 9 ["admin"]"#,
                        #"c1 ws2 04 10 ["user"]"#, #"c1 ws2 05 5 ["user"]"#, #"c1 ws2 06 9 ["admin", "user"]"#,
                        #"c2 ws1 0b 10 ["user"]"#, #"c2 ws1 0c 9 ["user"]"#,
                    ])

            // Workspace directory.
            let directory = try await models.rows(
                """
                SELECT concat_ws(' ', workspace_id, registered_at IS NOT NULL, active_users, total_users, version,
                                 statistics_verified, nps_enabled)
                  FROM workspaces ORDER BY workspace_id
                """)
            // ws3 never reported statistics: its version comes from its sync (a profile fact).
            #expect(directory == ["ws1 t 10 20 6.5.0 t t", "ws2 t 12 6.5.0 t f", "ws3 t 6.5.0 t f"])

            // Trend: the day-by-day changes add up to the campaign's distribution.
            let trend = try await models.distribution(
                "SELECT score, sum(change)::int8 FROM campaign_daily_scores WHERE campaign_id = 'c1' GROUP BY score")
            #expect(trend == c1Scores)
        }
    }
}

extension Collector {
    func sync(_ workspace: String, npsEnabled: Bool) async throws -> Answer {
        try await request(
            .post, "/api/v3/comms/workspace", token: token(workspace),
            body: #"{"uniqueId":"\#(workspace)","npsEnabled":\#(npsEnabled),"version":"6.5.0"}"#)
    }

    /// A statistics report of `workspace` with the given extra fields, with its token unless not `verified`.
    func statistics(_ workspace: String, _ fields: String, verified: Bool = true) async throws {
        let document = #"{"_id":"\#(UUID())","uniqueId":"\#(workspace)","version":"6.5.0",\#(fields)}"#
        let answer = try await request(.post, "/", token: verified ? token(workspace) : nil, body: document)
        #expect(answer.status == .ok)
    }

    func showSurvey(_ campaign: String, to workspace: String) async throws {
        let answer = try await request(.get, "/v1/surveys/\(campaign)", token: token(workspace))
        #expect(answer.status == .ok)
    }

    func expectUpload(
        _ campaign: String, _ workspace: String, accepted: Int, _ items: [String], total: Int
    ) async throws {
        let answer = try await upload(campaign, Votes.batch(items, total: total), workspace: workspace)
        #expect(answer.status == .ok)
        #expect(answer.json["accepted"] == .number(Double(accepted)))
    }
}

/// Reads read-model tables as the owner, in shapes a test compares.
struct ReadModels {
    let database: TestDatabase

    /// `sql` selects (score, count) rows.
    func distribution(_ sql: String) async throws -> ScoreDistribution {
        let rows = try await database.owner.query(PostgresQuery(unsafeSQL: sql), logger: database.logger)
        var byScore: [Int: Int] = [:]
        for try await (score, count) in rows.decode((Int16, Int64).self) { byScore[Int(score)] = Int(count) }
        return ScoreDistribution(countsByScore: byScore)
    }

    /// The funnel as the view `campaign_funnel` counts it, over every workspace.
    func referenceFunnel(of campaignID: String) async throws -> CampaignFunnel {
        let rows = try await database.owner.query(
            """
            SELECT announced, notified, shown, voted, opted_out_before_start + opted_out_during,
                   reported_voters::float8 / nullif(reported_total, 0)::float8
              FROM campaign_funnel WHERE campaign_id = \(campaignID)
            """, logger: database.logger)
        for try await (announced, notified, shown, voted, optedOut, completeness) in rows.decode(
            (Int64, Int64, Int64, Int64, Int64, Double?).self)
        {
            return CampaignFunnel(
                announced: Int(announced), notified: Int(notified), shown: Int(shown), voted: Int(voted),
                optedOut: Int(optedOut), deliveryCompleteness: completeness)
        }
        return CampaignFunnel(announced: 0, notified: 0, shown: 0, voted: 0, optedOut: 0, deliveryCompleteness: nil)
    }

    /// `sql` selects one text column.
    func rows(_ sql: String) async throws -> [String] {
        let rows = try await database.owner.query(PostgresQuery(unsafeSQL: sql), logger: database.logger)
        var texts: [String] = []
        for try await text in rows.decode(String.self) { texts.append(text) }
        return texts
    }
}
