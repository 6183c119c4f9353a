import Foundation
import NPSDomain
import Testing

/// A made-up version 2 of VoteCast, for the tests only: roles lower-cased,
/// sorted and without duplicates; `comment` renamed `text`.
private struct VoteCastV2: EventPayload {
    static let eventType = EventType.voteCast
    static let schemaVersion = 2

    var campaignID: String
    var workspaceID: String
    var identifier: String
    var roles: [String]
    var score: Int
    var text: String?
}

private let voteCastV1ToV2 = PayloadUpcaster(.voteCast, from: 1) { json in
    guard case .object(var members) = json else { throw UpcastError() }
    let roles = (members["roles"]?.arrayValue ?? []).compactMap(\.stringValue).map { $0.lowercased() }
    members["roles"] = .array(Set(roles).sorted().map(JSONValue.string))
    members["text"] = members.removeValue(forKey: "comment") ?? .null
    return .object(members)
}

private struct UpcastError: Error {}

@Suite("Payload versions and upcasting")
struct UpcastingTests {
    /// A payload as VoteCast version 1 stored it: the ids in it, roles as sent.
    let v1 = #"""
        {"campaignID":"c1","comment":"great","identifier":"\#(String(repeating: "a", count: 64))",\#
        "roles":["User","admin","user"],"score":9,"workspaceID":"w1"}
        """#

    @Test("a version 1 payload reads as version 2 through the upcaster")
    func upcastsOldVersion() throws {
        let stored = v1
        let decoder = EventDecoder(upcasters: [voteCastV1ToV2])
        let current = try decoder.decode(VoteCastV2.self, 1, stored)
        #expect(current.roles == ["admin", "user"])
        #expect(current.text == "great")
        #expect(current.score == 9)
    }

    @Test("a current payload is decoded without upcasting")
    func currentVersionDirect() throws {
        let v2 = VoteCastV2(campaignID: "c", workspaceID: "w", identifier: "i", roles: ["user"], score: 3, text: nil)
        let decoded = try EventDecoder(upcasters: []).decode(VoteCastV2.self, 2, try EventJSON.encode(v2))
        #expect(decoded == v2)
    }

    @Test("VoteCast 1 and 2 read as 3: the ids the payload held are the stream id's")
    func voteCastIDsFromStream() throws {
        let v2 = try PayloadUpcaster.voteCastRoles.upcast(EventJSON.decode(JSONValue.self, from: v1))
        let v3 = try PayloadUpcaster.voteCastIDsInStream.upcast(v2)
        #expect(v3["campaignID"] == nil && v3["workspaceID"] == nil)
        #expect(v3["roles"] == .array([.string("User"), .string("admin"), .string("user")]))
        let expected = VoteCast(
            campaignID: "c1", workspaceID: "w1", identifier: String(repeating: "a", count: 64),
            roles: ["User", "admin", "user"], score: 9, comment: "great")
        #expect(try EventJSON.encode(v3) == EventJSON.encode(expected))
        for version in [1, 2] {
            let payload = try version == 1 ? v1 : EventJSON.encode(v2)
            #expect(try EventDecoder().decode(VoteCast.self, version, payload, streamID: "votes/c1/w1") == expected)
        }
    }

    @Test("VoteCast 4 reads what a change replaced; a version 3 change reads as not saying it")
    func voteCastReplaces() throws {
        let changed =
            #"{"identifier":"\#(String(repeating: "b", count: 64))","roles":["user"],"score":3,"#
            + #""replaces":{"score":9,"roles":["admin","user"]}}"#
        let vote = try EventDecoder().decode(VoteCast.self, 4, changed, streamID: "votes/c1/w1")
        #expect(vote.replaces == VoteCast.Replaced(score: 9, roles: ["admin", "user"]))
        #expect(vote.score == 3 && vote.roles == ["user"])
        let encoded = try EventJSON.decode(JSONValue.self, from: try EventJSON.encode(vote))
        #expect(encoded["replaces"]?["score"] == .number(9))

        let unsaid = #"{"identifier":"\#(String(repeating: "b", count: 64))","roles":["user"],"score":3}"#
        let old = try EventDecoder().decode(VoteCast.self, 3, unsaid, streamID: "votes/c1/w1")
        #expect(old.replaces == nil && old.score == 3)
    }

    @Test("a missing upcaster is an error, not a silent default")
    func missingUpcaster() throws {
        let stored = v1
        #expect(throws: EventDecodingError.missingUpcaster(type: "VoteCast", fromVersion: 1)) {
            try EventDecoder(upcasters: []).decode(VoteCastV2.self, 1, stored)
        }
    }

    @Test("a payload newer than the binary is refused")
    func newerVersion() throws {
        let newer = VoteCast.schemaVersion + 1
        #expect(
            throws: EventDecodingError.newerVersion(
                type: "VoteCast", version: newer, newestKnown: VoteCast.schemaVersion)
        ) {
            try EventDecoder().decode(type: "VoteCast", schemaVersion: newer, payload: "{}", streamID: "votes/c1/w1")
        }
    }

    @Test("unknown types and malformed payloads say what is wrong")
    func errors() throws {
        #expect(throws: EventDecodingError.unknownType("Nonsense")) {
            try EventDecoder().decode(type: "Nonsense", schemaVersion: 1, payload: "{}", streamID: "s")
        }
        let error = try #require(throws: EventDecodingError.self) {
            try EventDecoder().decode(
                type: "VoteCast", schemaVersion: 1, payload: #"{"score":"x"}"#, streamID: "votes/c1/w1")
        }
        guard case .malformed(let type, let version, _) = error else {
            Issue.record("expected malformed, got \(error)")
            return
        }
        #expect(type == "VoteCast")
        #expect(version == 1)
    }
}
