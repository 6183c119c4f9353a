import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// Gives every request an id: the caller's `X-Request-Id` when it is a short
/// token, a new one otherwise. It is put on every log line of the request
/// and returned in the `X-Request-Id` header, errors included.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = CollectorRequestContext

    static let header = HTTPField.Name("X-Request-Id")!

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        let incoming = request.headers[Self.header]
        let id =
            if let incoming, (1...64).contains(incoming.utf8.count),
                incoming.utf8.allSatisfy({
                    $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
                })
            {
                incoming
            } else {
                Self.newID()
            }
        context.requestID = id
        context.logger[metadataKey: "request_id"] = .string(id)
        var response = try await next(request, context)
        response.headers[Self.header] = id
        return response
    }
}

extension RequestIDMiddleware {
    /// 32 hex digits: this process's random prefix and a counter. Unique
    /// without asking the system for randomness on every request; an id
    /// names a request in logs, it is no secret.
    static func newID() -> String {
        prefix + hex16(counter.add(1, ordering: .relaxed).newValue)
    }

    private static let prefix = hex16(UInt64.random(in: 0...UInt64.max))
    private static let counter = Atomic<UInt64>(0)

    private static func hex16(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { digits in
            for index in 0..<16 {
                let nibble = UInt8(truncatingIfNeeded: value >> UInt64(60 - 4 * index)) & 0xF
                digits[index] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
            }
            return 16
        }
    }
}

extension UInt8 {
    var isASCIIAlphanumeric: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self)
    }
}
