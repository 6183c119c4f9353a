import Foundation
import Hummingbird
import Ingest

/// The dashboard's sign-in: an analyst or admin token, given once in a form
/// and then kept in an HttpOnly, SameSite=Strict cookie, so that page
/// scripts cannot read it and other sites cannot send it.
struct DashboardSession: RouterMiddleware {
    typealias Context = CollectorRequestContext
    static let cookieName = "nps_token"
    static let signInPath = "/dashboard/sign-in"

    let tokens: TokenStore

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let token = Self.token(in: request), let identity = try await tokens.authenticate(token) else {
            return Response(status: .seeOther, headers: [.location: Self.signInPath])
        }
        guard identity.scope == .analyst || identity.scope == .admin else {
            var page = DashboardPages.message(
                title: "Not allowed", "The dashboard needs an analyst or admin token; this one is a workspace token.")
            page.status = .forbidden
            return page
        }
        var context = context
        context.identity = identity
        return try await next(request, context)
    }

    /// The cookie's token, or a bearer token for scripts.
    static func token(in request: Request) -> String? {
        if let header = request.headers[.authorization] { return AuthenticationMiddleware.bearerToken(header) }
        return request.cookies[cookieName]?.value
    }

    static func cookie(_ token: String) -> String {
        "\(cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(12 * 3_600)"
    }

    static let expiredCookie = "\(cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
}
