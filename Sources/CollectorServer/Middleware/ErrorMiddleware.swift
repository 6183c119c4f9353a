import EventStore
import Foundation
import Hummingbird
import Logging
import NPSDomain
import PostgresNIO
// PostgresClient lets one pool error through unmapped: its circuit breaker,
// tripped while the database cannot be reached. That is a 503, not a bug.
import _ConnectionPoolModule

/// Turns every error into an answer with a clear, specific message and no
/// internals (no SQL, stack, address or token): RFC 9457 problem details on
/// the native API (`/api/v1/...`), `{error, detail}` on the Rocket.Chat
/// routes. A database that cannot be reached is a 503 with `Retry-After`; the
/// pool reconnects by itself when it is back.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = CollectorRequestContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = Self.classify(error)
            if apiError.status.code >= 500 {
                context.logger.error(
                    "request failed",
                    metadata: ["status": "\(apiError.status.code)", "error": "\(Self.safeDescription(error))"]
                )
            }
            let native = request.uri.path.hasPrefix("/api/v1")
            return Self.render(apiError, native: native, requestID: context.requestID)
        }
    }

    static func classify(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as HTTPError:
            return APIError(
                status: error.status, detail: error.body ?? defaultDetail(error.status), headers: error.headers)
        case let error as PSQLError where isUnavailable(error):
            return unavailable
        case is ConnectionPoolError, is DeadlineExceeded, is ConnectionLeaseTimedOut:
            return unavailable
        default:
            return APIError(status: .internalServerError, detail: "internal error; the request id names it in our logs")
        }
    }

    static let unavailable = APIError(
        status: .serviceUnavailable,
        detail: "the database is unavailable; try again shortly",
        headers: [.retryAfter: "5"]
    )

    /// Connection trouble, shutdown, overload: the request may succeed later.
    static func isUnavailable(_ error: PSQLError) -> Bool {
        let unavailableCodes: [PSQLError.Code] = [
            .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown,
            .queryCancelled,
        ]
        if unavailableCodes.contains(error.code) { return true }
        guard error.code == .server, let state = error.serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("08") || state.hasPrefix("57P") || state == "53300" || state == "40001"
            || state == "40P01"
    }

    static func defaultDetail(_ status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "no such route"
        case .methodNotAllowed: "this route does not take that method"
        case .contentTooLarge: "the body is larger than this route accepts"
        default: status.reasonPhrase
        }
    }

    /// The error's type and, for database errors, its SQLSTATE: enough to find it, nothing secret.
    static func safeDescription(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            return "PSQLError \(error.code) sqlstate=\(error.serverInfo?[.sqlState] ?? "-")"
        }
        return String(reflecting: type(of: error))
    }

    static func render(_ error: APIError, native: Bool, requestID: String) -> Response {
        var body: [String: JSONValue] =
            native
            ? [
                "type": .string("about:blank"),
                "title": .string(error.status.reasonPhrase),
                "status": .number(Double(error.status.code)),
                "detail": .string(error.detail),
                "requestId": .string(requestID),
            ]
            : ["error": .string(error.status.reasonPhrase), "detail": .string(error.detail)]
        for (key, value) in error.extra { body[key] = .number(Double(value)) }
        let text = (try? EventJSON.encode(JSONValue.object(body))) ?? "{}"
        var headers = error.headers
        headers[.contentType] = native ? "application/problem+json" : "application/json"
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
