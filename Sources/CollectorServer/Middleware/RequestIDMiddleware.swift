import Foundation
import HTTPTypes
import Hummingbird
import Logging

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
                UUID().uuidString.lowercased()
            }
        context.requestID = id
        context.logger[metadataKey: "request_id"] = .string(id)
        var response = try await next(request, context)
        response.headers[Self.header] = id
        return response
    }
}

extension UInt8 {
    var isASCIIAlphanumeric: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self)
    }
}
