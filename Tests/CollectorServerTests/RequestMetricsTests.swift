import Foundation
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing

@testable import CollectorServer

@Suite("Request metrics")
struct RequestMetricsTests {
    /// The process's one metrics backend; each test's routes are its own, so their series are too.
    let registry = MetricsBootstrap.registry

    @Test("an answer is counted and timed by route template, method and status")
    func countedByRoute() async throws {
        let router = Router()
        router.add(middleware: RequestMetricsMiddleware())
        router.get("/request-metrics/answer/{n}") { _, context in
            try context.parameters.require("n", as: Int.self) > 1 ? "many" : "one"
        }
        try await Application(router: router).test(.router) { client in
            for n in 1...3 {
                try await client.execute(uri: "/request-metrics/answer/\(n)", method: .get) {
                    #expect($0.status == .ok)
                }
            }
            try await client.execute(uri: "/request-metrics/answer/x", method: .get) {
                #expect($0.status == .badRequest)
            }
        }
        let series = #"{http_route="/request-metrics/answer/{n}",http_request_method="GET",http_response_status_code="#
        #expect(value(of: "hb_requests" + series + #""200"}"#) == 3)
        #expect(value(of: "hb_requests" + series + #""400"}"#) == 1)
        #expect(value(of: "http_server_request_duration_count" + series + #""200"}"#) == 3)
    }

    @Test("a streamed body is timed once written, not when its handler returned")
    func streamedBodyTimedWhenWritten() async throws {
        let router = Router()
        router.add(middleware: RequestMetricsMiddleware())
        router.get("/request-metrics/stream") { _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "first,"))
                    try await Task.sleep(for: .milliseconds(200))
                    try await writer.write(ByteBuffer(string: "last"))
                    try await writer.finish(nil)
                })
        }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/request-metrics/stream", method: .get) {
                #expect(String(buffer: $0.body) == "first,last")
            }
        }
        let series =
            #"{http_route="/request-metrics/stream",http_request_method="GET",http_response_status_code="200"}"#
        #expect(value(of: "http_server_request_duration_count" + series) == 1)
        #expect(try #require(value(of: "http_server_request_duration_sum" + series)) >= 0.2)
    }

    private func value(of series: String) -> Double? {
        let text = String(decoding: registry.emitToBuffer(), as: UTF8.self)
        return text.split(separator: "\n").first { $0.hasPrefix(series + " ") }
            .flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
    }
}
