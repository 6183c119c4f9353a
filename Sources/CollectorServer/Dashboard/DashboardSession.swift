import Foundation
import Hummingbird
import Ingest

/// The dashboard's sign-in: an analyst or admin token, given once in a form,
/// opens a session (`DashboardSessionStore`) whose opaque random id the
/// browser keeps in an HttpOnly, SameSite=Strict cookie, so that page
/// scripts cannot read it, other sites cannot send it, and the cookie never
/// holds the token itself. `Secure` when the request came over TLS.
struct DashboardSession: RouterMiddleware {
    typealias Context = CollectorRequestContext
    static let cookieName = "nps_session"
    static let signInPath = "/dashboard/sign-in"

    let tokens: TokenStore
    let sessions: DashboardSessionStore

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let identity = try await Self.identity(of: request, tokens: tokens, sessions: sessions) else {
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

    /// The session's identity, or a bearer token's for scripts.
    static func identity(
        of request: Request, tokens: TokenStore, sessions: DashboardSessionStore
    ) async throws
        -> Identity?
    {
        if let header = AuthenticationMiddleware.authorization(request.headers) {
            guard let token = AuthenticationMiddleware.bearerToken(header) else { return nil }
            return try await tokens.authenticate(token)
        }
        guard let id = request.cookies[cookieName]?.value, !id.isEmpty else { return nil }
        return try await sessions.authenticate(id)
    }

    /// Whether the browser reached us over TLS: directly, or through a
    /// trusted reverse proxy that says so in `X-Forwarded-Proto` (from any
    /// other peer the header is ignored: a client could set it at will).
    static func cameOverTLS(_ request: Request, context: Context, trustedProxies: TrustedProxies) -> Bool {
        if request.uri.scheme?.rawValue == "https" || request.head.scheme == "https" { return true }
        guard let peer = context.remoteAddress?.ipAddress, trustedProxies.contains(peer) else { return false }
        return request.headers[.forwardedProto]?.lowercased() == "https"
    }

    static func cookie(_ sessionID: String, secure: Bool) -> String {
        "\(cookieName)=\(sessionID); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(Int(DashboardSessionStore.lifetime))"
            + (secure ? "; Secure" : "")
    }

    static func expiredCookie(secure: Bool) -> String {
        "\(cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" + (secure ? "; Secure" : "")
    }
}
