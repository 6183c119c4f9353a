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

@Suite("Sync, survey fetch and statistics, as Rocket.Chat sends them")
struct WorkspaceTests {
    static let syncBody =
        #"{"uniqueId":"ws1","workspaceId":"cloud-1","npsEnabled":true,"version":"6.5.0","deploymentMethod":"docker"}"#

    @Test("6.x comms sync hands out the campaign and notifies admins once")
    func commsSync() async throws {
        try await Collector.with { collector in
            let campaign = try await collector.campaign("c1", startsIn: 30 * 86_400)
            for _ in 0..<3 {
                let answer = try await collector.request(
                    .post,
                    "/api/v3/comms/workspace",
                    token: collector.token(),
                    body: Self.syncBody
                )
                #expect(answer.status == .ok)
                #expect(answer.json["workspaceId"] == .string("ws1"))
                #expect(answer.json["nps"]?["id"] == .string("c1"))
                #expect(answer.json["nps"]?["startAt"] == .string(EventJSON.formatTimestamp(campaign.startAt)))
                #expect(answer.json["nps"]?["startAt"]?.stringValue?.hasSuffix("Z") == true)
                #expect(answer.json["announcements"] == .object(["create": .array([]), "delete": .array([])]))
            }
            let counts = try await collector.eventCounts()
            #expect(counts["AdminNotified"] == 1)
            #expect(counts["SettingToggled"] == 1)
        }
    }

    @Test("the legacy sync answers with banners, at the workspace's registration URI")
    func legacySync() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1", startsIn: 30 * 86_400)
            let answer = try await collector.request(
                .post,
                "/api/v2/workspaces/ws1/client",
                token: collector.token(),
                body: #"{"uniqueId":"ws1","npsEnabled":"true","version":"3.18.3"}"#
            )
            #expect(answer.status == .ok)
            #expect(answer.json["nps"]?["id"] == .string("c1"))
            #expect(answer.json["banners"] == .array([]))
        }
    }

    @Test("the NPS setting is recorded first, then only when it changes; opted-out workspaces get no campaign")
    func settingChanges() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1", startsIn: 30 * 86_400)
            for enabled in [true, true, false, false, true] {
                let answer = try await collector.request(
                    .post,
                    "/api/v3/comms/workspace",
                    token: collector.token(),
                    body: #"{"uniqueId":"ws1","npsEnabled":\#(enabled)}"#
                )
                #expect(answer.status == .ok && (answer.json["nps"] != nil) == enabled)
            }
            let toggles = try await collector.payloads("SettingToggled")
            #expect(toggles.map { $0["enabled"] } == [.bool(true), .bool(false), .bool(true)])
            #expect(toggles.allSatisfy { $0["source"] == .string("sync") })
        }
    }

    @Test("a campaign is first handed out only before it starts; a workspace that has it keeps getting it")
    func firstHandOutBeforeStart() async throws {
        try await Collector.with(workspaces: ["ws1", "ws2"]) { collector in
            let campaign = try await collector.campaign("c1", startsIn: 3_600)
            let early = try await collector.request(
                .post, "/api/v3/comms/workspace", token: collector.token("ws1"), body: "{}")
            #expect(early.json["nps"]?["id"] == .string("c1"))
            try collector.advance(past: campaign.startAt)
            let notified = try await collector.request(
                .post, "/api/v3/comms/workspace", token: collector.token("ws1"), body: "{}")
            #expect(notified.json["nps"]?["id"] == .string("c1"))
            let late = try await collector.request(
                .post, "/api/v3/comms/workspace", token: collector.token("ws2"), body: "{}")
            #expect(late.status == .ok && late.json["nps"] == nil)
            #expect(try await collector.eventCounts()["AdminNotified"] == 1)
        }
    }

    @Test("the survey fetch answers the banner and records SurveyShown once")
    func surveyFetch() async throws {
        try await Collector.with { collector in
            let campaign = try await collector.campaign("c1")
            for _ in 0..<2 {
                let answer = try await collector.request(.get, "/v1/surveys/c1", token: collector.token())
                #expect(answer.status == .ok)
                #expect(answer.headers[.contentType] == "application/json")
                #expect(answer.json["id"] == .string("c1"))
                #expect(answer.json["platform"] == .array([.string("web"), .string("mobile")]))
                #expect(answer.json["roles"] == .array([.string("admin"), .string("user")]))
                #expect(answer.json["expireAt"] == .string(EventJSON.formatTimestamp(campaign.expireAt)))
                #expect(answer.json["survey"]?["blocks"]?.arrayValue?.count == 2)
            }
            #expect(try await collector.eventCounts()["SurveyShown"] == 1)
        }
    }

    @Test("statistics without a token: kept whole outside the log, the profile in it unverified, a statsToken")
    func unverifiedStatistics() async throws {
        try await Collector.with { collector in
            // 3.x: hourly, no settings block; fields we do not know are kept in the raw document.
            let document = """
                {"uniqueId":"ws9","installedAt":"2020-01-01T00:00:00.000Z","version":"3.18.3",
                 "deploy":{"method":"tar","platform":"selfinstall"},"totalUsers":120,"activeUsers":100,
                 "somethingNew":{"nested":[1,2]},"host":"https://chat.example.org/"}
                """
            let answer = try await collector.request(
                .post, "/", contentType: "text/plain;charset=UTF-8", body: document)
            #expect(answer.status == .ok)
            #expect(answer.json["statsToken"]?.stringValue?.isEmpty == false)
            let kept = try #require(try await collector.statisticsDocuments().first)
            #expect(kept.verified == false)
            #expect(kept.document["somethingNew"] == .object(["nested": .array([.number(1), .number(2)])]))
            let profile = try #require(try await collector.payloads("WorkspaceProfileChanged").first)
            #expect(profile["verified"] == .bool(false))
            #expect(profile["profile"]?["version"] == .string("3.18.3"))
            #expect(profile["profile"]?["deploymentMethod"] == .string("tar"))
            #expect(profile["profile"]?["activeUsers"] == .number(100))
            // The host (the site's address) is not a fact the read models use: not in the log.
            #expect(profile["profile"]?["host"] == nil)
            #expect(try await collector.eventCounts()["StatisticsReported"] == nil)
            #expect(try await collector.eventCounts()["SettingToggled"] == nil)
        }
    }

    @Test("6.x statistics: verified with the workspace token, NPS setting derived, a resent report is one document")
    func verifiedStatistics() async throws {
        try await Collector.with { collector in
            let document =
                #"{"_id":"s1","uniqueId":"ws1","version":"6.5.0","activeUsers":40,"settings":{"general":{"nps":{"surveyEnabled":false}}}}"#
            var statsTokens: Set<String> = []
            for _ in 0..<2 {
                let answer = try await collector.request(.post, "/", token: collector.token(), body: document)
                #expect(answer.status == .ok)
                statsTokens.insert(answer.json["statsToken"]?.stringValue ?? "")
            }
            #expect(statsTokens.count == 1)
            #expect(try await collector.statisticsDocuments().map(\.verified) == [true])
            #expect(try await collector.payloads("WorkspaceProfileChanged").map { $0["verified"] } == [.bool(true)])
            let toggles = try await collector.payloads("SettingToggled")
            #expect(toggles.map { $0["enabled"] } == [.bool(false)])
            #expect(toggles.first?["source"] == .string("statistics"))

            // Without a token, a registered workspace's setting and profile are not for anyone to change.
            let spoof =
                #"{"uniqueId":"ws1","version":"1.0.0","settings":{"general":{"nps":{"surveyEnabled":true}}}}"#
            #expect(try await collector.request(.post, "/", body: spoof).status == .ok)
            #expect(try await collector.payloads("SettingToggled").count == 1)
            #expect(try await collector.payloads("WorkspaceProfileChanged").count == 1)
        }
    }

    @Test("the profile enters the log only when it changes: same facts daily add nothing, user counts within 10 %")
    func profileOnlyWhenChanged() async throws {
        try await Collector.with { collector in
            func report(_ day: Int, version: String, activeUsers: Int) async throws {
                let document =
                    #"{"_id":"d\#(day)","uniqueId":"ws1","version":"\#(version)","activeUsers":\#(activeUsers),"deploy":{"method":"docker","platform":"selfinstall"}}"#
                let answer = try await collector.request(.post, "/", token: collector.token(), body: document)
                #expect(answer.status == .ok)
            }
            // 30 days of reports: the same version, users drifting by one or two, then an upgrade, then growth.
            for day in 0..<30 { try await report(day, version: "7.6.2", activeUsers: 200 + day % 3) }
            try await report(30, version: "8.0.1", activeUsers: 201)
            try await report(31, version: "8.0.1", activeUsers: 260)
            let profiles = try await collector.payloads("WorkspaceProfileChanged")
            #expect(
                profiles.map { $0["profile"]?["version"] } == [.string("7.6.2"), .string("8.0.1"), .string("8.0.1")])
            #expect(profiles.map { $0["profile"]?["activeUsers"] } == [.number(200), .number(200), .number(260)])
            #expect(try await collector.statisticsDocuments().count == 32)

            // A sync adds the non-personal registration fields; the same sync again adds nothing.
            for _ in 0..<2 {
                let sync = try await collector.request(
                    .post, "/api/v3/comms/workspace", token: collector.token(),
                    body:
                        #"{"uniqueId":"ws1","version":"8.0.1","country":"france","orgSize":"101-250","contactEmail":"a@b.c"}"#
                )
                #expect(sync.status == .ok)
            }
            let last = try #require(try await collector.payloads("WorkspaceProfileChanged").last)
            #expect(try await collector.payloads("WorkspaceProfileChanged").count == 4)
            #expect(last["profile"]?["country"] == .string("france"))
            #expect(last["profile"]?["activeUsers"] == .number(260))
        }
    }
}
