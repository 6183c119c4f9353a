import Foundation
import Hummingbird
import NIOCore

/// RFC 4180 CSV, UTF-8, CRLF line ends, header row first, written to the
/// response as the rows arrive: the buffer is flushed every `flushBytes`, so
/// memory stays flat however many rows there are.
struct CSVStream {
    static let flushBytes = 64 * 1_024

    private var writer: any ResponseBodyWriter
    private var buffer = ByteBuffer()

    init(writer: any ResponseBodyWriter) {
        self.writer = writer
        buffer.reserveCapacity(Self.flushBytes + 4_096)
    }

    mutating func row(_ fields: [String]) async throws {
        buffer.writeString(CSVText.row(fields))
        if buffer.readableBytes >= Self.flushBytes { try await flush() }
    }

    mutating func finish() async throws {
        try await flush()
        try await writer.finish(nil)
    }

    private mutating func flush() async throws {
        guard buffer.readableBytes > 0 else { return }
        try await writer.write(buffer)
        buffer.clear()
    }

    /// A streamed `text/csv` answer; `rows` gets the stream after the header is written.
    static func response(
        filename: String, header: [String], _ rows: @escaping @Sendable (inout CSVStream) async throws -> Void
    ) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8; header=present",
                .contentDisposition: "attachment; filename=\"\(filename)\"",
            ],
            body: ResponseBody { writer in
                var stream = CSVStream(writer: writer)
                try await stream.row(header)
                try await rows(&stream)
                try await stream.finish()
            }
        )
    }
}

/// One RFC 4180 row (fields quoted as needed, CRLF): the exports' and the CLI's.
public enum CSVText {
    public static func row(_ fields: [String]) -> String {
        fields.map { escaped(neutralized($0)) }.joined(separator: ",") + "\r\n"
    }

    /// Quoted when it holds a comma, a quote, CR or LF; quotes doubled.
    static func escaped(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            return field
        }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The characters that make a spreadsheet read a cell as a formula (OWASP, "CSV injection").
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// Comments and contact details are typed by anyone, and the team opens
    /// these files in spreadsheets: a field that a spreadsheet would run as a
    /// formula (`=HYPERLINK(…)`, `@SUM(…)`) gets a leading apostrophe, which
    /// makes it text. Signed numbers (a workspace's NPS of `-33.3`) stay as
    /// they are: a spreadsheet reads them as the numbers they are.
    static func neutralized(_ field: String) -> String {
        guard let first = field.first, formulaStarts.contains(first), !isSignedNumber(field) else { return field }
        return "'" + field
    }

    private static func isSignedNumber(_ field: String) -> Bool {
        let digits = field.utf8.dropFirst()
        guard field.first == "-" || field.first == "+", digits.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) else {
            return false
        }
        return digits.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") }
    }
}
