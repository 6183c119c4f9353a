import CollectorServer
import EventStore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import TestSupport
import Testing

@Suite("Health endpoints")
struct HealthTests {
    @Test("live and ready on a migrated database")
    func ready() async throws {
        try await TestDatabase.with { database in
            let app = Application(router: buildRouter(database: database.app, logger: database.logger))
            try await app.test(.router) { client in
                try await client.execute(uri: "/health/live", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("live"))
                }
                // Readiness gives the database 3 seconds, which a loaded machine can
                // exceed now and then: the answer is ready within a generous deadline.
                let deadline = ContinuousClock.now + .seconds(120)
                var answer = (status: HTTPResponse.Status.serviceUnavailable, body: "")
                while ContinuousClock.now < deadline {
                    answer = try await client.execute(uri: "/health/ready", method: .get) { response in
                        (response.status, String(buffer: response.body))
                    }
                    if answer.status == .ok { break }
                    try await Task.sleep(for: .milliseconds(200))
                }
                #expect(answer.status == .ok, "\(answer.body)")
                #expect(answer.body.contains("ready"))
            }
        }
    }

    @Test("not ready, with a reason and Retry-After, while migrations are pending")
    func notReadyWhilePending() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let app = Application(router: buildRouter(database: database.app, logger: database.logger))
            try await app.test(.router) { client in
                try await client.execute(uri: "/health/ready", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.retryAfter] == "5")
                }
                try await client.execute(uri: "/health/live", method: .get) { response in
                    #expect(response.status == .ok)
                }
            }
        }
    }

    @Test("not ready when the database is unreachable, and no address or secret in the answer")
    func notReadyWithoutDatabase() async throws {
        let cluster = try TestDatabase.clusterURLs()
        var unreachable = cluster.app
        unreachable.port = 1  // nothing listens there
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        try await withPostgresClient(unreachable, logger: quiet) { client in
            let app = Application(router: buildRouter(database: client, logger: quiet))
            try await app.test(.router) { http in
                try await http.execute(uri: "/health/ready", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    let body = String(buffer: response.body)
                    #expect(body.contains("unreachable") || body.contains("did not answer"))
                    #expect(!body.contains("127.0.0.1"))
                    #expect(!body.contains(cluster.app.password ?? "no password"))
                }
            }
        }
    }
}
