import Hummingbird
import NIOCore
import NPSDomain

extension Request {
    /// The body, refused with 413 past `limit` bytes (checked on Content-Length
    /// first, then while reading, for chunked bodies). After the 413 Hummingbird
    /// reads the rest of the body and drops it, so a client that writes its
    /// whole body before reading gets the answer, not a hung connection.
    mutating func bytes(upTo limit: Int) async throws -> [UInt8] {
        if let length = headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(
                status: .contentTooLarge, detail: "the body is \(length) bytes; this route accepts at most \(limit)")
        }
        do {
            let buffer = try await collectBody(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError(
                status: .contentTooLarge, detail: "the body is larger than the \(limit) bytes this route accepts")
        } catch is NIOTooManyBytesError {
            // A chunked body (no Content-Length) past the limit: collecting a stream throws this, not
            // an HTTPError, and it answered 500. The server drains the rest after the answer.
            throw APIError(
                status: .contentTooLarge, detail: "the body is larger than the \(limit) bytes this route accepts")
        }
    }

    /// The body as JSON, whatever the content type (one Rocket.Chat version
    /// posts JSON as text/plain). 400 says where the JSON breaks.
    mutating func json(upTo limit: Int) async throws -> JSONValue {
        let bytes = try await bytes(upTo: limit)
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw APIError.badRequest("malformed JSON: \(error)")
        }
    }
}
