import Foundation
import NPSDomain
import Testing

@Suite("Parsing request bodies")
struct JSONParserTests {
    @Test("values of every kind, escapes and surrogate pairs")
    func values() throws {
        let text = #"{"a":[1,-2.5,3e2,true,false,null],"s":"q\"\\\/\n\u00e9\ud83d\ude00","e":{}}"#
        let value = try JSONValue.parse(Array(text.utf8))
        #expect(value["a"] == .array([.number(1), .number(-2.5), .number(300), .bool(true), .bool(false), .null]))
        #expect(value["s"] == .string("q\"\\/\né😀"))
        #expect(value["e"] == .object([:]))
    }

    @Test("agrees with Foundation on a realistic body")
    func agreesWithFoundation() throws {
        let body =
            #"{"total": 2, "votes": [{"identifier": "ab", "roles": ["user"], "score": "9", "comment": "Ça va 👍"}]}"#
        let ours = try JSONValue.parse(Array(body.utf8))
        let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(body.utf8))
        #expect(ours == foundation)
    }

    @Test(
        "says what is wrong and where",
        arguments: [
            ("{\"a\":}", "unexpected character at line 1, column 6"),
            ("{\n  \"a\": 1,\n  b: 2\n}", "expected a member name at line 3, column 3"),
            ("[1, 2", "unexpected end of the body in an array at line 1, column 6"),
            ("\"abc", "unterminated string at line 1, column 5"),
            ("{} x", "unexpected text after the JSON value at line 1, column 4"),
            ("01", "unexpected text after the JSON value at line 1, column 2"),
            ("", "unexpected end of the body at line 1, column 1"),
            ("[\"\\ud800\"]", "unpaired surrogate at line 1, column 9"),
        ]
    )
    func errors(text: String, message: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(text.utf8)) }
        do {
            _ = try JSONValue.parse(Array(text.utf8))
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("nesting is bounded")
    func depth() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        do {
            _ = try JSONValue.parse(Array(deep.utf8))
            Issue.record("a 100,000-deep body was accepted")
        } catch {
            #expect(error.message == "nested deeper than 64 levels")
        }
        let allowed = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONValue.parse(Array(allowed.utf8)) }
    }

    @Test("invalid UTF-8 inside a string is refused")
    func invalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0xFF, 0x22]) }
    }
}
