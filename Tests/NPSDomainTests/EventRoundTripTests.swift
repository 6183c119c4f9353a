import Foundation
import NPSDomain
import Testing

@Suite("Every event type round-trips through its stored form")
struct EventRoundTripTests {
    /// A time with an exact binary fraction, so equality after a round trip is exact.
    static let start = Date(timeIntervalSince1970: 1_800_000_000.125)

    static let events: [(any EventPayload, NPSEvent)] = {
        let announced = CampaignAnnounced(
            campaignID: "c1",
            startAt: start,
            expireAt: start.addingTimeInterval(86_400 * 14),
            roles: [],
            survey: .object(["blocks": .array([])])
        )
        let vote = VoteCast(
            campaignID: "c1",
            workspaceID: "w1",
            identifier: String(repeating: "b", count: 64),
            roles: ["user"],
            score: 0,
            comment: nil
        )
        let results = ResultsReceived(
            campaignID: "c1",
            workspaceID: "w1",
            total: 10,
            items: 3,
            accepted: 2,
            repeats: 1,
            quarantined: 0
        )
        let landing = LandingPageConfigured(
            campaignID: "c1", enabled: true, question: "Recommend us?", askReason: false, askContact: true)
        let toggled = SettingToggled(workspaceID: "w1", enabled: false, source: .statistics)
        let statistics = StatisticsReported(
            workspaceID: "w1",
            verified: false,
            document: .object(["uniqueId": .string("w1"), "activeUsers": .number(42), "x": .null])
        )
        var profile = WorkspaceProfile()
        profile.version = "8.0.1"
        profile.activeUsers = 42
        profile.country = "france"
        let profileChanged = WorkspaceProfileChanged(workspaceID: "w1", verified: true, profile: profile)
        return [
            (announced, .campaignAnnounced(announced)),
            (profileChanged, .workspaceProfileChanged(profileChanged)),
            (CampaignClosed(campaignID: "c1"), .campaignClosed(CampaignClosed(campaignID: "c1"))),
            (landing, .landingPageConfigured(landing)),
            (
                AdminNotified(workspaceID: "w1", campaignID: "c1"),
                .adminNotified(.init(workspaceID: "w1", campaignID: "c1"))
            ),
            (
                SurveyShown(workspaceID: "w1", campaignID: "c1"),
                .surveyShown(.init(workspaceID: "w1", campaignID: "c1"))
            ),
            (vote, .voteCast(vote)),
            (results, .resultsReceived(results)),
            (toggled, .settingToggled(toggled)),
            (statistics, .statisticsReported(statistics)),
            (WorkspaceRegistered(workspaceID: "w1"), .workspaceRegistered(.init(workspaceID: "w1"))),
            (
                WorkspacePurged(workspaceID: "w1", purgedEvents: 5, requestedBy: "cli"),
                .workspacePurged(.init(workspaceID: "w1", purgedEvents: 5, requestedBy: "cli"))
            ),
        ]
    }()

    @Test("encode, then decode by stored type name and version")
    func roundTrip() throws {
        #expect(Set(Self.events.map { type(of: $0.0).eventType }) == Set(EventType.allCases))
        for (payload, expected) in Self.events {
            let kind = type(of: payload)
            let json = try EventJSON.encode(payload)
            // Every payload is decoded with its stream id; only VoteCast needs it (its ids are the stream's).
            let decoded = try EventDecoder().decode(
                type: kind.eventType.rawValue,
                schemaVersion: kind.schemaVersion,
                payload: json,
                streamID: "votes/c1/w1"
            )
            #expect(decoded == expected)
        }
    }

    @Test("times keep their milliseconds, rounded to the nearest", arguments: [0.123, 0.9995, 0.0004])
    func milliseconds(fraction: Double) throws {
        let date = Date(timeIntervalSince1970: 1_800_000_000 + fraction)
        let json = try EventJSON.encode(["at": date])
        let expected = String(format: "%03d", Int((fraction * 1000).rounded()) % 1000)
        let second = fraction >= 0.9995 ? "01" : "00"
        #expect(json.contains("2027-01-15T08:00:\(second).\(expected)Z"))
        let decoded = try EventJSON.decode([String: Date].self, from: json)
        #expect(abs(try #require(decoded["at"]).timeIntervalSince(date)) <= 0.0005)
    }
}
