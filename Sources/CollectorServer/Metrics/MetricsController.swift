import Hummingbird
import Prometheus

/// `GET /metrics`: Prometheus text format, from the registry `serve` bootstraps swift-metrics with.
///
/// The metrics count votes by outcome and name projections, so with
/// NPS_METRICS_TOKEN set they are served only to `Authorization: Bearer
/// <token>` (what Prometheus sends with `authorization: {credentials_file: …}`),
/// compared in constant time; anything else is 401. Unset, they are open, as
/// before, and `serve` warns at start-up.
struct MetricsController {
    let registry: PrometheusCollectorRegistry
    let token: String?

    /// The shortest NPS_METRICS_TOKEN accepted: a secret, not a password to remember.
    static let minimumTokenLength = 32

    func register(on router: Router<CollectorRequestContext>) {
        router.get("/metrics") { request, _ in
            if let token, !Self.presents(token, AuthenticationMiddleware.authorization(request.headers)) {
                throw APIError.unauthorized("the metrics need the bearer token NPS_METRICS_TOKEN")
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer()))
            )
        }
    }

    /// Whether `header` is `Bearer <token>` (read as every route reads it), every byte compared
    /// whatever the first difference, so that the time taken does not tell how much of the token
    /// was right.
    static func presents(_ token: String, _ header: String?) -> Bool {
        guard let presented = header.flatMap(AuthenticationMiddleware.bearerToken) else { return false }
        let given = Array(presented.utf8)
        let expected = Array(token.utf8)
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for index in expected.indices {
            difference |= expected[index] ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }
}
