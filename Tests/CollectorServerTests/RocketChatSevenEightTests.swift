import CollectorServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import NPSDomain
import PostgresNIO
import TestSupport
import Testing

/// What 7.x and 8.x servers send and check (`../shared/docs/rocketchat-wire.md`,
/// "7.x and 8.x"), each fact through the real router.
@Suite("Rocket.Chat 7.x and 8.x on the wire")
struct RocketChatSevenEightTests {
    /// The whole registration record a 7.x/8.x server posts on every sync,
    /// personal data included.
    static func registrationRecord(npsEnabled: Bool? = true, version: String = "7.6.2") -> String {
        let flag = npsEnabled.map { #""npsEnabled":\#($0),"# } ?? ""
        return """
            {"uniqueId":"ws1","deploymentFingerprintHash":"f1ngerpr1nt","deploymentFingerprintVerified":true,
             "workspaceId":"cloud-ws1","address":"12 Rue Imaginaire, 75011 Paris","contactName":"Ada Lovelace",
             "contactEmail":"ada@example.org","seats":120,"organizationType":"enterprise","industry":"education",
             "orgSize":"101-250","country":"france","language":"fr","allowMarketing":true,
             "accountName":"ada-cloud-account","agreePrivacyTerms":true,"website":"https://ada.example.org",
             "siteName":"Ada's Chat","workspaceType":"workspace","deploymentMethod":"docker",
             "deploymentPlatform":"rancher","version":"\(version)","licenseVersion":3,"license":"",
             "enterpriseReady":true,"setupComplete":true,"connectionDisable":false,\(flag)
             "MAC":0,"statsToken":"previous-stats-token"}
            """
    }

    /// Strings of the record above that are personal data: none may reach the log.
    static let personal = [
        "Ada Lovelace", "ada@example.org", "Rue Imaginaire", "ada-cloud-account", "ada.example.org", "Ada's Chat",
        "f1ngerpr1nt", "previous-stats-token",
    ]

    /// RFC 3339 date-time in UTC with a trailing `Z` (zod's `datetime()`, suretype's `date-time`).
    static func isUTCDateTime(_ value: JSONValue?) -> Bool {
        guard let text = value?.stringValue else { return false }
        return text.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z/) != nil
    }

    @Test("the legacy /client answer carries workspaceId, nps, banners and announcements {create, delete}")
    func legacyClientAnswer() async throws {
        try await Collector.with { collector in
            let none = try await collector.request(
                .post, "/api/v2/workspaces/ws1/client", token: collector.token(), body: Self.registrationRecord())
            #expect(none.status == .ok)
            // No campaign: nps is left out (the schema types it as an object, so null would fail it).
            #expect(
                none.json
                    == .object([
                        "workspaceId": .string("ws1"), "banners": .array([]),
                        "announcements": .object(["create": .array([]), "delete": .array([])]),
                    ]))

            try await collector.campaign("c1", startsIn: 30 * 86_400)
            let answer = try await collector.request(
                .post, "/api/v2/workspaces/ws1/client", token: collector.token(), body: Self.registrationRecord())
            #expect(answer.status == .ok)
            #expect(answer.json["workspaceId"] == .string("ws1"))
            #expect(answer.json["banners"] == .array([]))
            #expect(answer.json["announcements"] == .object(["create": .array([]), "delete": .array([])]))
            #expect(answer.json["nps"]?["id"] == .string("c1"))
            #expect(Self.isUTCDateTime(answer.json["nps"]?["startAt"]))
            #expect(Self.isUTCDateTime(answer.json["nps"]?["expireAt"]))
        }
    }

    @Test("the comms answer: workspaceId, announcements {create, delete}, nps with UTC date-times")
    func commsAnswer() async throws {
        try await Collector.with { collector in
            let none = try await collector.request(
                .post, "/api/v3/comms/workspace", token: collector.token(),
                body: Self.registrationRecord(version: "8.0.1"))
            #expect(none.status == .ok)
            #expect(none.json["nps"] == nil)
            #expect(none.json["announcements"] == .object(["create": .array([]), "delete": .array([])]))

            try await collector.campaign("c1", startsIn: 30 * 86_400)
            let answer = try await collector.request(
                .post, "/api/v3/comms/workspace", token: collector.token(),
                body: Self.registrationRecord(version: "8.0.1"))
            #expect(answer.json["workspaceId"] == .string("ws1"))
            #expect(answer.json["nps"]?.objectValue?.keys.sorted() == ["expireAt", "id", "startAt"])
            #expect(Self.isUTCDateTime(answer.json["nps"]?["startAt"]))
            #expect(Self.isUTCDateTime(answer.json["nps"]?["expireAt"]))
        }
    }

    @Test("a workspace whose last NPS setting is off gets no campaign: comms, legacy without a flag, survey fetch")
    func optedOutGetsNoCampaign() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1", startsIn: 30 * 86_400)
            let off = try await collector.request(
                .post, "/api/v3/comms/workspace", token: collector.token(),
                body: Self.registrationRecord(npsEnabled: false))
            #expect(off.status == .ok)
            #expect(off.json["nps"] == nil)
            // The fallback sync of the same run, and a server that sends no flag at all (3.x), go by the last value.
            for path in ["/api/v2/workspaces/ws1/client", "/api/v3/comms/workspace"] {
                let noFlag = try await collector.request(
                    .post, path, token: collector.token(), body: Self.registrationRecord(npsEnabled: nil))
                #expect(noFlag.status == .ok)
                #expect(noFlag.json["nps"] == nil, "\(path)")
            }
            let survey = try await collector.request(.get, "/v1/surveys/c1", token: collector.token())
            #expect(survey.status == .notFound)
            #expect(try await collector.eventCounts()["AdminNotified"] == nil)
            #expect(try await collector.eventCounts()["SurveyShown"] == nil)

            // Turned off by a statistics report (the other place the setting shows): the same.
            let on = try await collector.request(
                .post, "/api/v3/comms/workspace", token: collector.token(), body: Self.registrationRecord())
            #expect(on.json["nps"]?["id"] == .string("c1"))
            let report = #"{"uniqueId":"ws1","version":"7.6.2","settings":{"general":{"nps":{"surveyEnabled":false}}}}"#
            #expect(try await collector.request(.post, "/", token: collector.token(), body: report).status == .ok)
            let afterReport = try await collector.request(
                .post, "/api/v2/workspaces/ws1/client", token: collector.token(),
                body: Self.registrationRecord(npsEnabled: nil))
            #expect(afterReport.json["nps"] == nil)
        }
    }

    @Test("the survey fetch on the start day, 23 hours before startAt (a server in UTC+14), is answered 2xx")
    func surveyFetchBeforeStartAt() async throws {
        try await Collector.with { collector in
            // Starts at 09:00 UTC tomorrow: 23:00 local in UTC+14, whose start day began at 10:00 UTC today.
            let campaign = try await collector.campaign("c1", startsIn: 23 * 3_600)
            _ = try await collector.request(
                .post, "/api/v3/comms/workspace", token: collector.token(), body: Self.registrationRecord())
            let answer = try await collector.request(.get, "/v1/surveys/c1", token: collector.token())
            #expect(answer.status == .ok)
            #expect(answer.json["id"] == .string("c1"))
            #expect(answer.json["survey"]?["blocks"]?.arrayValue?.isEmpty == false)
            #expect(answer.json["startAt"] == .string(EventJSON.formatTimestamp(campaign.startAt)))
            #expect(Self.isUTCDateTime(answer.json["createdAt"]))
            #expect(try await collector.eventCounts()["SurveyShown"] == 1)
        }
    }

    @Test("Number(undefined) scores (null) are quarantined with their reason; String(undefined) comments are none")
    func undefinedScoreAndComment() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1")
            let noScore =
                #"{"identifier":"\#(Votes.identifier(1))","roles":["user"],"score":null,"comment":"undefined"}"#
            let noComment =
                #"{"identifier":"\#(Votes.identifier(2))","roles":["admin"],"score":9,"comment":"undefined"}"#
            let answer = try await collector.upload("c1", Votes.batch([noScore, noComment]))
            #expect(answer.status == .ok)
            #expect(answer.json["accepted"] == .number(1))
            #expect(
                answer.json["quarantined"]
                    == .array([
                        .object([
                            "index": .number(0),
                            "reason": .string(
                                "score is null (Number(undefined) on the workspace: a vote without a score)"),
                        ])
                    ]))
            let votes = try await collector.payloads("VoteCast")
            #expect(votes.count == 1)
            #expect(votes.first?["comment"] == nil)
            #expect(try await collector.quarantineCount() == 1)
        }
    }

    @Test("late results, a day and a week after expiry, are accepted like any other batch")
    func lateResults() async throws {
        try await Collector.with { collector in
            let campaign = try await collector.campaign("c1", lasts: 7 * 86_400)
            try collector.advance(past: campaign.expireAt.addingTimeInterval(86_400))
            let dayLate = try await collector.upload("c1", Votes.batch([Votes.item(1, score: 8)], total: 2))
            #expect(dayLate.status == .ok)
            #expect(dayLate.json["accepted"] == .number(1))
            try collector.advance(by: 6 * 86_400)
            let weekLate = try await collector.upload("c1", Votes.batch([Votes.item(2, score: 4)], total: 2))
            #expect(weekLate.json["accepted"] == .number(1))
            #expect(try await collector.eventCounts()["VoteCast"] == 2)
        }
    }

    @Test("every accepted statistics report is answered with a statsToken, with or without a token or an _id")
    func statsTokenForEveryReport() async throws {
        try await Collector.with { collector in
            let reports: [(String?, String)] = [
                (collector.token(), #"{"_id":"s8","uniqueId":"ws1","version":"8.0.1","activeUsers":3}"#),
                (collector.token(), #"{"uniqueId":"ws1","version":"7.6.2","activeUsers":3}"#),
                (nil, #"{"uniqueId":"unregistered-7","version":"7.6.2"}"#),
                (nil, #"{"_id":"s-x","uniqueId":"unregistered-8","version":"8.0.1"}"#),
            ]
            var tokens: Set<String> = []
            for (token, report) in reports {
                let answer = try await collector.request(.post, "/", token: token, body: report)
                #expect(answer.status == .ok)
                let statsToken = try #require(answer.json["statsToken"]?.stringValue)
                #expect(!statsToken.isEmpty)
                tokens.insert(statsToken)
            }
            #expect(tokens.count == reports.count)
        }
    }

    @Test("a sync body full of personal data leaves none of it in the log")
    func personalDataNeverKept() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1", startsIn: 30 * 86_400)
            for path in ["/api/v3/comms/workspace", "/api/v2/workspaces/ws1/client"] {
                let answer = try await collector.request(
                    .post, path, token: collector.token(), body: Self.registrationRecord())
                #expect(answer.status == .ok)
            }
            let logged =
                try await collector.database.owner.query(
                    "SELECT coalesce(string_agg(payload::text || ' ' || metadata::text, ' '), '') FROM event_log",
                    logger: collector.database.logger
                ).collect().first?.decode(String.self) ?? ""
            #expect(logged.contains("ws1"))
            for value in Self.personal {
                #expect(!logged.contains(value), "\(value) is in the log")
            }
        }
    }
}
