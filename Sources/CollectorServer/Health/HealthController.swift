import Foundation
import Hummingbird

/// Liveness (the process answers) and readiness (the database answers and
/// holds the schema this binary expects), for load balancers and orchestrators.
struct HealthController: Sendable {
    let readiness: any ReadinessCheck

    func register(on group: RouterGroup<CollectorRequestContext>) {
        group.get("live") { _, _ in HealthStatus(status: "live", detail: nil) }
        group.get("ready") { _, _ -> Response in
            do {
                try await readiness.check()
                return try jsonResponse(HealthStatus(status: "ready", detail: nil), status: .ok)
            } catch {
                var response = try jsonResponse(
                    HealthStatus(status: "unavailable", detail: readiness.describe(error)),
                    status: .serviceUnavailable
                )
                response.headers[.retryAfter] = "5"
                return response
            }
        }
    }
}

struct HealthStatus: ResponseCodable {
    var status: String
    var detail: String?
}
