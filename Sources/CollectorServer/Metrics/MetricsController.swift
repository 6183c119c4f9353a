import Hummingbird
import Prometheus

/// `GET /metrics`: Prometheus text format, from the registry `serve` bootstraps swift-metrics with.
struct MetricsController {
    let registry: PrometheusCollectorRegistry

    func register(on router: Router<CollectorRequestContext>) {
        router.get("/metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer()))
            )
        }
    }
}
