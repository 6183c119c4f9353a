import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import NPSDomain
import PostgresNIO
import TestSupport
import Testing

@testable import CollectorServer

/// `POST /` stays open to unregistered workspaces, and bounded: reports
/// without a token are limited per client address, per `uniqueId` and in
/// body size (`Limits`); reports with a workspace token are not.
@Suite("Statistics reports without a token are bounded")
struct StatisticsLimitsTests {
    static func report(_ uniqueID: String) -> String { #"{"uniqueId":"\#(uniqueID)","version":"7.6.2"}"# }

    /// A report of `bytes` bytes (padding in a field of its own, kept like any unknown field).
    static func report(_ uniqueID: String, bytes: Int) -> String {
        let head = #"{"uniqueId":"\#(uniqueID)","padding":""#
        return head + String(repeating: "x", count: bytes - head.utf8.count - 2) + #""}"#
    }

    @Test("one client: the burst passes, the next report is 429 with Retry-After, nothing of it stored")
    func perClient() async throws {
        // The limiter's clock stands still, so a slow machine cannot refill a bucket meanwhile.
        let frozen = ContinuousClock.now
        try await Collector.with(landing: LandingSettings(clock: { frozen })) { collector in
            for n in 0..<Limits.unverifiedStatisticsPerClient {
                let answer = try await collector.request(.post, "/", body: Self.report("made-up-\(n)"))
                #expect(answer.status == .ok, "report \(n)")
            }
            let refused = try await collector.request(.post, "/", body: Self.report("made-up-x"))
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == String(Limits.unverifiedStatisticsClientRefillSeconds))
            #expect(refused.json["detail"]?.stringValue?.contains("from this address") == true)
            #expect(try await collector.statisticsDocuments().count == Limits.unverifiedStatisticsPerClient)

            // A registered workspace reporting with its token is not counted against anyone.
            for _ in 0..<3 {
                let verified = try await collector.request(
                    .post, "/", token: collector.token(), body: Self.report("ws1"))
                #expect(verified.status == .ok)
            }
        }
    }

    @Test("behind a trusted proxy each forwarded client has its own bucket; one uniqueId has its own limit")
    func perForwardedClientAndPerWorkspace() async throws {
        let now = Locked(ContinuousClock.now)
        let landing = LandingSettings(trustedProxies: try TrustedProxies(parsing: "127.0.0.1"), clock: { now.value })
        try await Collector.with(framework: .live, landing: landing) { collector in
            // Another address behind the proxy is another client.
            let clients = (1...(Limits.unverifiedStatisticsPerWorkspace + 1)).map { "203.0.113.\($0)" }
            for (n, client) in clients.enumerated() {
                let answer = try await collector.request(
                    .post, "/", body: Self.report("one-workspace"), headers: [.forwardedFor: client])
                if n < Limits.unverifiedStatisticsPerWorkspace {
                    #expect(answer.status == .ok, "report \(n)")
                } else {
                    #expect(answer.status == .tooManyRequests)
                    #expect(
                        answer.headers[.retryAfter] == String(Limits.unverifiedStatisticsWorkspaceRefillSeconds))
                    #expect(answer.json["detail"]?.stringValue?.contains("uniqueId") == true)
                }
            }
            // Another uniqueId from the last client passes; the first again after one refill.
            let other = try await collector.request(
                .post, "/", body: Self.report("another-workspace"), headers: [.forwardedFor: clients.last!])
            #expect(other.status == .ok)
            now.update { $0 += .seconds(Limits.unverifiedStatisticsWorkspaceRefillSeconds) }
            let refilled = try await collector.request(
                .post, "/", body: Self.report("one-workspace"), headers: [.forwardedFor: "198.51.100.7"])
            #expect(refilled.status == .ok)
        }
    }

    @Test("without a token the body limit is smaller than with one: 413")
    func bodyLimit() async throws {
        try await Collector.with { collector in
            let small = Self.report("unregistered", bytes: Limits.unverifiedStatisticsBodyBytes)
            #expect(try await collector.request(.post, "/", body: small).status == .ok)
            let large = Self.report("unregistered", bytes: Limits.unverifiedStatisticsBodyBytes + 1)
            let refused = try await collector.request(.post, "/", body: large)
            #expect(refused.status == .contentTooLarge)
            #expect(refused.json["error"] != nil)
            let verified = Self.report("ws1", bytes: Limits.unverifiedStatisticsBodyBytes + 1)
            #expect(try await collector.request(.post, "/", token: collector.token(), body: verified).status == .ok)
            #expect(Limits.unverifiedStatisticsBodyBytes < Limits.statisticsBodyBytes)
        }
    }
}
