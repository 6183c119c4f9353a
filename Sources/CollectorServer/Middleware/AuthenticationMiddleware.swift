import HTTPTypes
import Hummingbird
import Ingest

/// Reads `Authorization: Bearer <token>` and sets the context's identity.
/// No header: no identity (routes that need one answer 401). A header with an
/// unknown or revoked token: 401 at once, whatever the route.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = CollectorRequestContext
    let tokens: TokenStore

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = Self.authorization(request.headers) else { return try await next(request, context) }
        guard let token = Self.bearerToken(header) else {
            throw APIError.unauthorized("the Authorization header must be \"Bearer <token>\"")
        }
        guard let identity = try await tokens.authenticate(token) else {
            throw APIError.unauthorized("the token is unknown or revoked")
        }
        var context = context
        context.identity = identity
        return try await next(request, context)
    }
}

extension AuthenticationMiddleware {
    /// The `Authorization` header's value; two of them are joined, as HTTP
    /// joins repeated fields, and so match no scheme. Read without joining
    /// in the usual case of one: this runs on every request.
    static func authorization(_ headers: HTTPFields) -> String? {
        var found: String?
        for field in headers where field.name == .authorization {
            guard found == nil else { return headers[.authorization] }
            found = field.value
        }
        return found
    }

    /// The token of an `Authorization: Bearer <token>` header (the scheme in any case), or nil.
    static func bearerToken(_ header: String) -> String? {
        let scheme = "bearer ".utf8
        let bytes = header.utf8
        guard bytes.count > scheme.count,
            zip(bytes, scheme).allSatisfy({ presented, expected in
                // Letters in either case; the space as it is.
                expected == UInt8(ascii: " ") ? presented == expected : presented | 0x20 == expected
            })
        else { return nil }
        return String(header.dropFirst(scheme.count))
    }
}

/// Lets through only identities of the given scopes.
struct RequireScope: RouterMiddleware {
    typealias Context = CollectorRequestContext
    let allowed: Set<Scope>

    init(_ allowed: Scope...) {
        self.allowed = Set(allowed)
    }

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let identity = context.identity else {
            throw APIError.unauthorized("this route needs a bearer token")
        }
        guard allowed.contains(identity.scope) else {
            let names = allowed.map(\.rawValue).sorted().joined(separator: " or ")
            throw APIError.forbidden(
                "this route needs a token of scope \(names); this one is \(identity.scope.rawValue)")
        }
        return try await next(request, context)
    }
}

extension CollectorRequestContext {
    /// The workspace of a workspace token (routes behind `RequireScope(.workspace)`).
    var workspaceID: String {
        get throws {
            guard let workspaceID = identity?.workspaceID else {
                throw APIError.forbidden("this route needs a workspace token")
            }
            return workspaceID
        }
    }
}
