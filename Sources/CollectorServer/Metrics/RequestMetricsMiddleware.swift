import Hummingbird
import Metrics
import Synchronization

/// Counts and times requests by route, method and status, under the names
/// Hummingbird's `MetricsMiddleware` gives them (`hb_requests`,
/// `http_server_request_duration`, `hb_request_errors`).
///
/// Hummingbird's records every answer from a closure that runs after its body
/// is written, which turns a body of one buffer into a written-by-closure one:
/// with it, a cached summary served 21,188–27,799 requests a second, without
/// it 27,340–34,084 (wrk, alternated; docs/benchmarks.md, "query"). Here an
/// answer whose length is known is recorded when the handler returns it, so
/// its duration is the time to the answer, not to its last byte on the wire;
/// a streamed body (a CSV export) is still recorded once written. The gauge
/// of requests in flight is left out.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let handles = Handles()

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        do {
            var response = try await next(request, context)
            let metrics = handles.endpoint(context.endpointPath ?? "Unknown", request.method, response.status)
            guard response.body.contentLength == nil else {
                metrics.record(since: start)
                return response
            }
            let body = response.body
            response.body = ResponseBody { writer in
                defer { metrics.record(since: start) }
                try await body.write(writer)
            }
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let metrics = handles.endpoint(context.endpointPath ?? "NotFound", request.method, status)
            metrics.record(since: start)
            metrics.errors.increment()
            throw error
        }
    }

    /// One route's, method's and status's metrics, made once: the metrics
    /// factory's own look-up builds its key from the labels on every call.
    struct Endpoint: Sendable {
        let requests: Counter
        let duration: Timer
        let errors: Counter

        init(_ key: Key) {
            let route = [("http.route", key.route), ("http.request.method", key.method.rawValue)]
            let status = String(key.status.code)
            requests = Counter(label: "hb.requests", dimensions: route + [("http.response.status_code", status)])
            duration = Timer(
                label: "http.server.request.duration", dimensions: route + [("http.response.status_code", status)],
                preferredDisplayUnit: .seconds)
            errors = Counter(label: "hb.request.errors", dimensions: route + [("error.type", status)])
        }

        func record(since start: ContinuousClock.Instant) {
            requests.increment()
            duration.record(duration: ContinuousClock.now - start)
        }
    }

    struct Key: Hashable, Sendable {
        var route: String
        var method: HTTPRequest.Method
        var status: HTTPResponse.Status
    }

    final class Handles: Sendable {
        private let endpoints = Mutex([Key: Endpoint]())

        func endpoint(_ route: String, _ method: HTTPRequest.Method, _ status: HTTPResponse.Status) -> Endpoint {
            let key = Key(route: route, method: method, status: status)
            return endpoints.withLock { endpoints in
                if let known = endpoints[key] { return known }
                let made = Endpoint(key)
                endpoints[key] = made
                return made
            }
        }
    }
}
