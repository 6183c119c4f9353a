import Hummingbird
import Ingest

/// `GET /` and `/dashboard/...`: the server-rendered dashboard, behind the
/// sign-in of `DashboardSession`. No scripts and no external assets.
struct DashboardController {
    let reader: ReadModelReader
    let tokens: TokenStore
    let sessions: DashboardSessionStore
    /// Whose `X-Forwarded-Proto` says the browser used TLS (the session cookie is then `Secure`).
    let trustedProxies: TrustedProxies

    struct SignInForm: Decodable {
        var token: String
    }

    func register(on router: Router<CollectorRequestContext>) {
        let pages = DashboardPages(reader: reader)
        router.get(RouterPath(DashboardSession.signInPath)) { _, _ in DashboardPages.signIn() }
        router.post(RouterPath(DashboardSession.signInPath)) { request, context in
            try await signIn(request, context: context)
        }
        router.post("dashboard/sign-out") { request, context in
            // The session ends here, not only in this browser: a copied cookie is dead too.
            if let id = request.cookies[DashboardSession.cookieName]?.value, !id.isEmpty {
                try await sessions.revoke(id)
            }
            let secure = DashboardSession.cameOverTLS(request, context: context, trustedProxies: trustedProxies)
            return Response(
                status: .seeOther,
                headers: [
                    .location: DashboardSession.signInPath, .setCookie: DashboardSession.expiredCookie(secure: secure),
                ])
        }
        let signedIn = router.group().add(middleware: DashboardSession(tokens: tokens, sessions: sessions))
        signedIn.get("/") { _, _ in try await Self.rendered { try await pages.overview() } }
        signedIn.get("dashboard/campaigns/{id}") { request, context in
            let id = try context.parameters.require("id")
            return try await Self.rendered { try await pages.campaign(id, request) }
        }
        signedIn.get("dashboard/campaigns/{id}/segments") { request, context in
            let id = try context.parameters.require("id")
            return try await Self.rendered { try await pages.segments(id, request) }
        }
        signedIn.get("dashboard/workspaces/{id}") { _, context in
            let id = try context.parameters.require("id")
            return try await Self.rendered { try await pages.workspace(id) }
        }
    }

    /// A refused request (bad parameter, unknown campaign) as a page rather than JSON.
    static func rendered(_ page: () async throws -> Response) async throws -> Response {
        do {
            return try await page()
        } catch let error as APIError {
            var response = DashboardPages.message(title: error.status.reasonPhrase, error.detail)
            response.status = error.status
            return response
        }
    }

    func signIn(_ request: Request, context: CollectorRequestContext) async throws -> Response {
        var request = request
        let body = try await request.bytes(upTo: 4_096)
        let form = try? URLEncodedFormDecoder().decode(SignInForm.self, from: String(decoding: body, as: UTF8.self))
        guard let token = form?.token, !token.isEmpty, let identity = try await tokens.authenticate(token) else {
            var page = DashboardPages.signIn(error: "That token is unknown or revoked.")
            page.status = .unauthorized
            return page
        }
        guard identity.scope == .analyst || identity.scope == .admin else {
            var page = DashboardPages.signIn(error: "The dashboard needs an analyst or admin token.")
            page.status = .forbidden
            return page
        }
        let session = try await sessions.open(for: identity)
        let secure = DashboardSession.cameOverTLS(request, context: context, trustedProxies: trustedProxies)
        return Response(
            status: .seeOther, headers: [.location: "/", .setCookie: DashboardSession.cookie(session, secure: secure)])
    }
}
