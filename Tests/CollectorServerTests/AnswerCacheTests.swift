import NIOCore
import Synchronization
import Testing

@testable import CollectorServer
@testable import Projections

@Suite("Answer cache")
struct AnswerCacheTests {
    static func version(_ tag: String, _ position: Int64, purges: Int64 = 0) -> ReadModelVersion {
        ReadModelVersion(tag: tag, position: position, time: nil, purges: purges)
    }

    /// A computation that waits until `open` is called, and says when it has started.
    final class Gate: Sendable {
        private let opened: AsyncStream<Void>
        private let opener: AsyncStream<Void>.Continuation
        private let started = Mutex(false)

        init() { (opened, opener) = AsyncStream.makeStream() }

        func compute(_ text: String) -> @Sendable () async throws -> ByteBuffer {
            {
                self.started.withLock { $0 = true }
                for await _ in self.opened { break }
                return ByteBuffer(string: text)
            }
        }

        func open() { opener.yield() }

        func waitUntilStarted() async throws {
            let deadline = ContinuousClock.now + .seconds(60)
            while !started.withLock({ $0 }) {
                try #require(ContinuousClock.now < deadline, "the computation did not start")
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    static let mustNotCompute: @Sendable () async throws -> ByteBuffer = {
        Issue.record("computed although an answer was at hand")
        return ByteBuffer()
    }

    @Test("requests that miss together share one computation; a new version starts afresh")
    func singleFlight() async throws {
        let cache = AnswerCache()
        let computations = Mutex(0)
        let gate = Gate()
        let compute: @Sendable () async throws -> ByteBuffer = {
            computations.withLock { $0 += 1 }
            return try await gate.compute("answer")()
        }
        let v1 = Self.version("v1", 1)
        let first = Task { try await cache.answer(for: "/a", at: v1, compute).body }
        try await gate.waitUntilStarted()
        let others = Task {
            try await withThrowingTaskGroup(of: ByteBuffer.self) { group in
                for _ in 0..<20 { group.addTask { try await cache.answer(for: "/a", at: v1, compute).body } }
                return try await group.reduce(into: [ByteBuffer]()) { $0.append($1) }
            }
        }
        gate.open()
        #expect(try await first.value == ByteBuffer(string: "answer"))
        #expect(try await others.value == Array(repeating: ByteBuffer(string: "answer"), count: 20))
        #expect(computations.withLock { $0 } == 1)
        _ = try await cache.answer(for: "/a", at: v1, Self.mustNotCompute)
        let v2 = Self.version("v2", 2)
        #expect(
            try await cache.answer(for: "/a", at: v2) { ByteBuffer(string: "new") }.body == ByteBuffer(string: "new"))

        // A failed computation is not kept: the next request tries again.
        struct Failure: Error {}
        await #expect(throws: Failure.self) {
            try await cache.answer(for: "/b", at: v2) { throw Failure() }
        }
        #expect(
            try await cache.answer(for: "/b", at: v2) { ByteBuffer(string: "again") }.body
                == ByteBuffer(string: "again"))
    }

    @Test("while a new version is computed the others get the latest earlier answer, tagged with its version")
    func earlierAnswerWhileComputing() async throws {
        let cache = AnswerCache()
        let v1 = Self.version("v1", 10)
        _ = try await cache.answer(for: "/s", at: v1) { ByteBuffer(string: "one") }

        let gate = Gate()
        let v2 = Self.version("v2", 20)
        let computing = Task { try await cache.answer(for: "/s", at: v2, gate.compute("two")) }
        try await gate.waitUntilStarted()
        let meanwhile = try await cache.answer(for: "/s", at: v2, Self.mustNotCompute)
        #expect(meanwhile.body == ByteBuffer(string: "one"))
        #expect(meanwhile.version == v1)
        // A later version while v2 is still computed: still the earlier answer, no second computation.
        let v3 = Self.version("v3", 30)
        #expect(try await cache.answer(for: "/s", at: v3, Self.mustNotCompute).version == v1)

        gate.open()
        let computed = try await computing.value
        #expect(computed.body == ByteBuffer(string: "two"))
        #expect(computed.version == v2)
        // v2's answer is now the latest earlier one; a request alone at v3 computes v3's.
        #expect(try await cache.answer(for: "/s", at: v3) { ByteBuffer(string: "three") }.version == v3)
    }

    @Test("never an answer from before a purge: after one, every request waits for the new answer")
    func noEarlierAnswerAcrossAPurge() async throws {
        let cache = AnswerCache()
        _ = try await cache.answer(for: "/s", at: Self.version("v1", 10)) { ByteBuffer(string: "before") }

        let gate = Gate()
        let purged = Self.version("v2", 20, purges: 1)
        let computing = Task { try await cache.answer(for: "/s", at: purged, gate.compute("after")) }
        try await gate.waitUntilStarted()
        let waiting = Task { try await cache.answer(for: "/s", at: purged, Self.mustNotCompute) }
        gate.open()
        for answer in [try await computing.value, try await waiting.value] {
            #expect(answer.body == ByteBuffer(string: "after"))
            #expect(answer.version == purged)
        }
    }
}
