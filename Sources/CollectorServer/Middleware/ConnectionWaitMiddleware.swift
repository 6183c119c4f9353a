import EventStore
import Hummingbird

/// States how long the work of each request waits for a pooled database
/// connection (`ConnectionWait`, NPS_DB_CONNECTION_WAIT). Beyond it the request
/// answers 503 with `Retry-After` (`ErrorMiddleware`) instead of waiting for the
/// pool: during an outage PostgresNIO's pool would keep it a minute, and a burst
/// larger than the pool would queue without bound. Every Rocket.Chat route is
/// idempotent, so a server that retries after a 503 loses nothing and counts
/// nothing twice.
struct ConnectionWaitMiddleware: RouterMiddleware {
    typealias Context = CollectorRequestContext

    let limit: Duration

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        try await ConnectionWait.$limit.withValue(limit) { try await next(request, context) }
    }
}
