import NPSDomain
import Testing

@Suite("Validating one vote of a results upload")
struct VoteItemTests {
    static let identifier = String(repeating: "ab", count: 32)

    static func item(_ fields: [String: JSONValue]) -> JSONValue {
        var members: [String: JSONValue] = ["identifier": .string(identifier), "score": .number(9)]
        for (key, value) in fields { members[key] = value }
        return .object(members)
    }

    static func reason(_ item: JSONValue) -> String? {
        if case .failure(let rejection) = VoteItem.validate(item, campaignID: "c1") { return rejection.reason }
        return nil
    }

    @Test("6.x shape with a number score")
    func modern() throws {
        let vote = try VoteItem.validate(
            Self.item(["roles": .array([.string("user")]), "comment": .string("great")]),
            campaignID: "c1"
        ).get()
        #expect(vote == .init(identifier: Self.identifier, roles: ["user"], score: 9, comment: "great"))
    }

    @Test("scores as the strings older versions send", arguments: ["0", "7", "10"])
    func stringScores(score: String) throws {
        let vote = try VoteItem.validate(Self.item(["score": .string(score)]), campaignID: "c1").get()
        #expect(vote.score == Int(score))
    }

    @Test("a 3.x whole vote document: extra fields ignored, its npsId must match")
    func wholeDocument() throws {
        let document = Self.item([
            "_id": .string("x1"), "npsId": .string("c1"), "ts": .string("2024-05-01T10:00:00.000Z"),
            "status": .string("sending"), "sentAt": .string("2024-05-02T10:00:00.000Z"),
            "_updatedAt": .string("2024-05-02T10:00:00.000Z"), "roles": .array([.string("admin")]),
            "score": .string("3"), "comment": .string(""),
        ])
        let vote = try VoteItem.validate(document, campaignID: "c1").get()
        #expect(vote.score == 3)
        #expect(vote.comment == "")
        #expect(Self.reason(document) == nil)
        var foreign = document.objectValue!
        foreign["npsId"] = .string("other")
        #expect(Self.reason(.object(foreign)) == "npsId does not match the campaign in the URL")
    }

    @Test("identifiers are normalised to lowercase")
    func lowercase() throws {
        let vote = try VoteItem.validate(
            Self.item(["identifier": .string(Self.identifier.uppercased())]), campaignID: "c1"
        )
        .get()
        #expect(vote.identifier == Self.identifier)
    }

    @Test("absent, null and the string \"undefined\" (6.x) comments are no comment")
    func noComment() throws {
        for comment in [nil, JSONValue.null, .string("undefined")] {
            var fields: [String: JSONValue] = [:]
            if let comment { fields["comment"] = comment }
            #expect(try VoteItem.validate(Self.item(fields), campaignID: "c1").get().comment == nil)
        }
    }

    @Test("absent or null roles are no roles")
    func noRoles() throws {
        #expect(try VoteItem.validate(Self.item(["roles": .null]), campaignID: "c1").get().roles == [])
    }

    @Test(
        "each rule refuses with its own reason",
        arguments: [
            (JSONValue.string("x"), "a vote must be a JSON object"),
            (item(["identifier": .null]), "identifier is missing or not a string"),
            (item(["identifier": .string("abc")]), "identifier must be 64 hexadecimal characters"),
            (
                item(["identifier": .string(String(repeating: "g", count: 64))]),
                "identifier must be 64 hexadecimal characters"
            ),
            (item(["score": .null]), "score is null (Number(undefined) on the workspace: a vote without a score)"),
            (item(["score": .number(11)]), "score must be an integer from 0 to 10"),
            (item(["score": .number(-1)]), "score must be an integer from 0 to 10"),
            (item(["score": .number(7.5)]), "score must be an integer from 0 to 10"),
            (item(["score": .string("seven")]), "score must be a number from 0 to 10"),
            (item(["score": .bool(true)]), "score must be a number from 0 to 10"),
            (item(["roles": .string("user")]), "roles must be a list of strings"),
            (
                item(["roles": .array([.number(1)])]),
                "roles must be a list of non-empty strings of at most 64 characters"
            ),
            (
                item(["roles": .array([.string(String(repeating: "r", count: 65))])]),
                "roles must be a list of non-empty strings of at most 64 characters"
            ),
            (item(["roles": .array(Array(repeating: .string("r"), count: 33))]), "more than 32 roles"),
            (item(["comment": .number(1)]), "comment must be a string"),
            (
                item(["comment": .string(String(repeating: "é", count: 10_001))]),
                "comment is longer than 10000 characters"
            ),
        ]
    )
    func rules(item: JSONValue, reason: String) {
        #expect(Self.reason(item) == reason)
    }

    @Test("a comment of exactly the limit is accepted")
    func commentAtLimit() throws {
        let comment = String(repeating: "é", count: Limits.commentLength)
        #expect(
            try VoteItem.validate(Self.item(["comment": .string(comment)]), campaignID: "c1").get().comment == comment)
    }
}
