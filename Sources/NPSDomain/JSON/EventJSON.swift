import Foundation

/// The one JSON dialect of event payloads: ISO-8601 times with milliseconds,
/// keys sorted so that equal payloads are equal bytes.
public enum EventJSON {
    public static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try makeEncoder().encode(value), as: UTF8.self)
    }

    /// Many values with one encoder (a results batch encodes a thousand votes).
    public static func encodeEach<Value: Encodable>(_ values: [Value]) throws -> [String] {
        let encoder = makeEncoder()
        return try values.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
    }

    private static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatTimestamp(date))
        }
        return encoder
    }

    public static func decode<T: Decodable>(
        _ type: T.Type, from json: some StringProtocol, streamID: String? = nil
    ) throws -> T {
        let decoder = JSONDecoder()
        if let streamID { decoder.userInfo[.eventStreamID] = streamID }
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseTimestamp(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "not an ISO-8601 date-time from 1970 to 9999: \(text.prefix(64))"
                )
            }
            return date
        }
        return try decoder.decode(type, from: Data(json.utf8))
    }

    /// Parses ISO-8601 date-times with or without fractional seconds, from
    /// 1970 to 9999 (outside that, calendars and formats stop agreeing), to the millisecond.
    public static func parseTimestamp(_ text: String) -> Date? {
        guard
            let date = (try? Date(text, strategy: timestampStyle))
                ?? (try? Date(text, strategy: Date.ISO8601FormatStyle()))
        else { return nil }
        let rounded = roundedToMilliseconds(date)
        guard rounded >= earliest, rounded < latest else { return nil }
        return rounded
    }

    /// The instant as it will be stored: to the nearest millisecond.
    public static func roundedToMilliseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    static let earliest = Date(timeIntervalSince1970: 0)
    /// 10000-01-01T00:00:00Z
    static let latest = Date(timeIntervalSince1970: 253_402_300_800)

    /// `2026-11-23T08:00:00.123Z`: UTC, milliseconds rounded to the nearest.
    /// (Foundation's fractional-second style truncates, so .123 could print as .122.)
    public static func formatTimestamp(_ date: Date) -> String {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        let seconds = (milliseconds / 1000).rounded(.down)
        let whole = Date(timeIntervalSince1970: seconds).formatted(wholeSecondsStyle)
        return String(whole.dropLast()) + String(format: ".%03dZ", Int(milliseconds - seconds * 1000))
    }

    static let wholeSecondsStyle = Date.ISO8601FormatStyle()
    static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}

extension CodingUserInfoKey {
    /// The stream id of the event being decoded, for a payload that leaves to it what it
    /// names (`VoteCast` since version 3).
    public static let eventStreamID = CodingUserInfoKey(rawValue: "eventStreamID")!
}
