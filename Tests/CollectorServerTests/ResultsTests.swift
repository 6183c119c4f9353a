import CollectorServer
import Foundation
import Hummingbird
import Ingest
import NPSDomain
import PostgresNIO
import TestSupport
import Testing

@Suite("Results uploads")
struct ResultsTests {
    @Test("6.x: JSON, number scores")
    func modernShape() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1")
            let answer = try await collector.upload(
                "c1",
                Votes.batch([Votes.item(1, score: 9, comment: "great"), Votes.item(2, score: 3)])
            )
            #expect(answer.status == .ok)
            #expect(answer.json == .object(["accepted": .number(2), "repeats": .number(0), "quarantined": .array([])]))
            #expect(answer.headers[.contentType] == "application/json")
            let votes = try await collector.payloads("VoteCast")
            #expect(votes.map { $0["score"] } == [.number(9), .number(3)])
            #expect(votes[0]["comment"] == .string("great"))
        }
    }

    @Test("a vote's row is its answer alone: ids in the stream id, sender and request on the upload's ResultsReceived")
    func leanVoteRows() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1")
            _ = try await collector.upload(
                "c1", Votes.batch([Votes.item(1, score: 9, comment: "great"), Votes.item(2, score: 3)]))
            let rows = try await collector.logRows()
            let votes = rows.filter { $0.type == "VoteCast" }
            #expect(votes.count == 2)
            for vote in votes {
                #expect(vote.stream == "votes/c1/ws1")
                #expect(vote.schemaVersion == VoteCast.schemaVersion)
                #expect(vote.metadata == .object([:]))
                guard case .object(let members) = vote.payload else {
                    Issue.record("not an object: \(vote.payload)")
                    continue
                }
                #expect(Set(members.keys).isSubset(of: ["identifier", "roles", "score", "comment"]), "\(members)")
            }
            #expect(votes[1].payload["comment"] == nil, "no null comment")
            // The link to the upload: the ResultsReceived of the votes' transaction, in their stream.
            let received = try #require(rows.first { $0.type == "ResultsReceived" })
            #expect(received.transactionID == votes[0].transactionID && received.stream == votes[0].stream)
            #expect(received.metadata["sender"] == .string("ws1"))
            #expect(received.metadata["requestID"]?.stringValue?.isEmpty == false)
            // Read back in Swift, a vote has its ids from the stream id.
            let decoded = try EventDecoder().decode(
                type: "VoteCast", schemaVersion: votes[0].schemaVersion,
                payload: try EventJSON.encode(votes[0].payload), streamID: votes[0].stream)
            #expect(
                decoded
                    == .voteCast(
                        VoteCast(
                            campaignID: "c1", workspaceID: "ws1", identifier: Votes.identifier(1), roles: ["user"],
                            score: 9, comment: "great")))
        }
    }

    @Test("votes recorded without a new ResultsReceived keep their sender and request")
    func votesWithoutNewReceipt() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1")
            // The third body is the first's: its ResultsReceived is a repeat, its vote (3 back to 9) is not.
            for score in [9, 3, 9] {
                _ = try await collector.upload("c1", Votes.batch([Votes.item(1, score: score)]))
            }
            let votes = try await collector.logRows().filter { $0.type == "VoteCast" }
            #expect(votes.map(\.metadata["sender"]) == [nil, nil, .string("ws1")])
            #expect(votes[2].metadata["requestID"]?.stringValue?.isEmpty == false)

            _ = try await collector.upload(
                "c1", Votes.batch([#"{"identifier":"\#(Votes.identifier(7))","score":"ten"}"#]))
            let entry = try #require(try await collector.services.quarantine.list().first)
            let fixed = #"{"identifier":"\#(Votes.identifier(7))","score":10}"#
            _ = try await collector.services.quarantine.replay(
                id: entry.id, corrected: try JSONValue.parse(Array(fixed.utf8)))
            let replayed = try #require(try await collector.logRows().last { $0.type == "VoteCast" })
            #expect(replayed.metadata["sender"] == .string("quarantine-replay"))
            #expect(replayed.metadata["requestID"] == .string("quarantine-\(entry.id)"))
        }
    }

    @Test("whether votes leave their metadata to a ResultsReceived is decided under the stream's lock")
    func metadataDecidedUnderTheLock() async throws {
        try await Collector.with { collector in
            let receipt = UUID()
            let release = Locked(false)
            // Another upload of the same body holds the stream and appends its ResultsReceived, not yet committed.
            let holder = HostileClientTests.holding(
                "pg_advisory_xact_lock(2, hashtext('votes/c1/ws1'))", collector, release: release,
                then: [
                    """
                    SELECT append_events('votes/c1/ws1', NULL, ARRAY['\(receipt)']::uuid[], ARRAY['ResultsReceived'],
                                         ARRAY[1::smallint], ARRAY['{}']::jsonb[], ARRAY['{}']::jsonb[])
                    """
                ])
            try await HostileClientTests.waitUntilHeld(collector)
            let recording = Task {
                try await collector.database.owner.query(
                    """
                    SELECT count(*)::int8 FROM record_votes(
                      'votes/c1/ws1', 'c1', 'ws1', ARRAY[\(Votes.identifier(1))], ARRAY[\(UUID())]::uuid[],
                      ARRAY[\(UUID())]::uuid[], ARRAY['{"identifier":"x","roles":[],"score":9}']::jsonb[],
                      '{"sender":"ws1"}', 3::smallint, \(receipt))
                    """, logger: collector.database.logger
                ).collect()
            }
            try await HostileClientTests.waitUntilWaiting(1, collector)
            release.set(true)
            try await holder.value
            _ = try await recording.value
            // The receipt committed before the lock was granted: it is a repeat, so the vote keeps its sender.
            let vote = try #require(try await collector.logRows().last { $0.type == "VoteCast" })
            #expect(vote.metadata["sender"] == .string("ws1"))
        }
    }

    @Test("before 6.x: string scores; 6.2: posted as text/plain")
    func olderShapes() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1")
            let item = #"{"identifier":"\#(Votes.identifier(1))","roles":["user","admin"],"score":"10","comment":"ok"}"#
            let meteor = try await collector.upload("c1", Votes.batch([item]))
            #expect(meteor.json["accepted"] == .number(1))
            let fetch = try await collector.upload(
                "c1",
                Votes.batch([Votes.item(2, score: 0)]),
                contentType: "text/plain;charset=UTF-8"
            )
            #expect(fetch.status == .ok)
            #expect(fetch.json["accepted"] == .number(1))
            let none = try await collector.upload("c1", Votes.batch([Votes.item(3, score: 5)]), contentType: nil)
            #expect(none.json["accepted"] == .number(1))
            #expect(
                try await collector.payloads("VoteCast").map { $0["score"] } == [.number(10), .number(0), .number(5)])
        }
    }

    @Test("3.x-style whole vote documents; a 6.x vote without a comment says \"undefined\"")
    func wholeDocumentsAndUndefined() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1")
            let document = """
                {"_id":"v1","npsId":"c1","ts":"2024-05-01T10:00:00.000Z","identifier":"\(Votes.identifier(1))",
                 "roles":["user"],"score":"8","comment":"","status":"sending","sentAt":"2024-05-02T03:09:00.000Z",
                 "_updatedAt":"2024-05-02T03:09:00.000Z"}
                """
            let undefinedComment =
                #"{"identifier":"\#(Votes.identifier(2))","roles":["user"],"score":6,"comment":"undefined"}"#
            let answer = try await collector.upload("c1", Votes.batch([document, undefinedComment]))
            #expect(answer.json["accepted"] == .number(2))
            let votes = try await collector.payloads("VoteCast")
            #expect(votes[0]["score"] == .number(8))
            #expect(votes[1]["comment"] == nil)
        }
    }

    @Test("a mixed batch stores the valid votes and quarantines the others, saying which and why")
    func mixedBatch() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1")
            let answer = try await collector.upload(
                "c1",
                Votes.batch([
                    Votes.item(1, score: 9),
                    #"{"identifier":"nope","score":3}"#,
                    Votes.item(2, score: 11),
                    Votes.item(3, score: 7),
                ])
            )
            #expect(answer.status == .ok)
            #expect(answer.json["accepted"] == .number(2))
            #expect(
                answer.json["quarantined"]
                    == .array([
                        .object([
                            "index": .number(1), "reason": .string("identifier must be 64 hexadecimal characters"),
                        ]),
                        .object(["index": .number(2), "reason": .string("score must be an integer from 0 to 10")]),
                    ])
            )
            #expect(try await collector.eventCounts()["VoteCast"] == 2)
            let held = try await collector.services.quarantine.list()
            #expect(held.map(\.itemIndex) == [1, 2])
            #expect(held[0].raw.contains("nope"))
            #expect(held.allSatisfy { $0.workspaceID == "ws1" && $0.campaignID == "c1" && !$0.requestID.isEmpty })
        }
    }

    @Test("a batch sent three times grows the log once")
    func repeatedBatch() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1")
            let batch = Votes.batch(
                (1...50).map { Votes.item($0, score: $0 % 11) } + [#"{"identifier":"bad","score":1}"#])
            let first = try await collector.upload("c1", batch)
            #expect(first.json["accepted"] == .number(50))
            let countsAfterFirst = try await collector.eventCounts()
            let quarantinedAfterFirst = try await collector.quarantineCount()
            for _ in 0..<2 {
                let again = try await collector.upload("c1", batch)
                #expect(again.status == .ok)
                #expect(again.json["accepted"] == .number(0))
                #expect(again.json["repeats"] == .number(50))
            }
            #expect(try await collector.eventCounts() == countsAfterFirst)
            #expect(countsAfterFirst["ResultsReceived"] == 1)
            #expect(try await collector.quarantineCount() == quarantinedAfterFirst)
        }
    }

    @Test("a changed vote appends; 9, then 3, then 9 again ends at 9")
    func changedVotes() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1")
            for (score, accepted) in [(9, 1), (3, 1), (9, 1), (9, 0)] {
                let answer = try await collector.upload("c1", Votes.batch([Votes.item(1, score: score)]))
                #expect(answer.json["accepted"] == .number(Double(accepted)))
            }
            let votes = try await collector.payloads("VoteCast")
            #expect(votes.map { $0["score"] } == [.number(9), .number(3), .number(9)])
            // A new comment or other roles are a change too; roles in another order are not.
            let withComment = try await collector.upload("c1", Votes.batch([Votes.item(1, score: 9, comment: "why")]))
            #expect(withComment.json["accepted"] == .number(1))
            let reordered = try await collector.upload(
                "c1",
                Votes.batch([Votes.item(2, score: 5, roles: ["admin", "user"])])
            )
            #expect(reordered.json["accepted"] == .number(1))
            let same = try await collector.upload(
                "c1", Votes.batch([Votes.item(2, score: 5, roles: ["user", "admin"])]))
            #expect(same.json["repeats"] == .number(1))
        }
    }

    @Test("the same identifier from two workspaces is two votes")
    func twoWorkspaces() async throws {
        try await Collector.with(workspaces: ["ws1", "ws2"]) { collector in
            try await collector.campaign("c1")
            _ = try await collector.upload("c1", Votes.batch([Votes.item(1, score: 9)]), workspace: "ws1")
            let second = try await collector.upload("c1", Votes.batch([Votes.item(1, score: 2)]), workspace: "ws2")
            #expect(second.json["accepted"] == .number(1))
            let votes = try await collector.logRows().filter { $0.type == "VoteCast" }
            #expect(votes.map(\.stream) == ["votes/c1/ws1", "votes/c1/ws2"])
        }
    }

    @Test("ResultsReceived records total and what became of the items")
    func resultsReceived() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1")
            _ = try await collector.upload(
                "c1",
                Votes.batch([Votes.item(1, score: 9), #"{"identifier":"x"}"#], total: 2_500)
            )
            let received = try #require(try await collector.payloads("ResultsReceived").first)
            #expect(received["total"] == .number(2_500))
            #expect(received["items"] == .number(2))
            #expect(received["accepted"] == .number(1))
            #expect(received["quarantined"] == .number(1))
        }
    }

    @Test("a quarantined vote, once fixed, is replayed into the log")
    func replay() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1")
            _ = try await collector.upload(
                "c1", Votes.batch([#"{"identifier":"\#(Votes.identifier(7))","score":"ten"}"#]))
            let entry = try #require(try await collector.services.quarantine.list().first)
            let stillBad = try await collector.request(
                .post, "/api/v1/quarantine/\(entry.id)/replay", token: collector.adminToken)
            #expect(stillBad.status == .unprocessableContent)
            #expect(stillBad.json["detail"] == .string("still invalid: score must be a number from 0 to 10"))
            let fixed = try await collector.request(
                .post,
                "/api/v1/quarantine/\(entry.id)/replay",
                token: collector.adminToken,
                body: #"{"item":{"identifier":"\#(Votes.identifier(7))","score":10}}"#
            )
            #expect(fixed.status == .ok)
            #expect(try await collector.payloads("VoteCast").map { $0["score"] } == [.number(10)])
            #expect(try await collector.services.quarantine.list().isEmpty)
            let twice = try await collector.request(
                .post, "/api/v1/quarantine/\(entry.id)/replay", token: collector.adminToken)
            #expect(twice.status == .conflict)
        }
    }

    @Test("votes for an unknown campaign are quarantined and replayable once it exists")
    func unknownCampaignThenReplay() async throws {
        try await Collector.with { collector in
            let answer = try await collector.upload(
                "later", Votes.batch([Votes.item(1, score: 8), Votes.item(2, score: 4)]))
            #expect(answer.status == .notFound)
            #expect(answer.json["quarantined"] == .number(2))
            #expect(try await collector.eventCounts()["VoteCast"] == nil)
            try await collector.campaign("later")
            for entry in try await collector.services.quarantine.list() {
                #expect(try await collector.services.quarantine.replay(id: entry.id) == .recorded(isRepeat: false))
            }
            #expect(try await collector.eventCounts()["VoteCast"] == 2)
        }
    }
}
