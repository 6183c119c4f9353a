import Hummingbird

/// An error with a status and a specific, safe `detail` for the caller.
/// `ErrorMiddleware` renders it as problem+json on the native API and as
/// `{error, detail}` on the Rocket.Chat routes.
struct APIError: Error {
    var status: HTTPResponse.Status
    var detail: String
    var headers: HTTPFields = [:]
    /// More members for the body (for instance how many items were quarantined).
    var extra: [String: Int] = [:]

    static func unauthorized(_ detail: String) -> APIError {
        APIError(status: .unauthorized, detail: detail, headers: [.wwwAuthenticate: "Bearer"])
    }
    static func forbidden(_ detail: String) -> APIError { APIError(status: .forbidden, detail: detail) }
    static func notFound(_ detail: String) -> APIError { APIError(status: .notFound, detail: detail) }
    static func badRequest(_ detail: String) -> APIError { APIError(status: .badRequest, detail: detail) }
    static func unprocessable(_ detail: String) -> APIError { APIError(status: .unprocessableContent, detail: detail) }
    static func conflict(_ detail: String) -> APIError { APIError(status: .conflict, detail: detail) }
}
