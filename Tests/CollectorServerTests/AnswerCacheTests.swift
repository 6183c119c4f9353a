import NIOCore
import Synchronization
import Testing

@testable import CollectorServer

@Suite("Answer cache")
struct AnswerCacheTests {
    @Test("requests that miss together share one computation; a new version starts afresh")
    func singleFlight() async throws {
        let cache = AnswerCache()
        let computations = Mutex(0)
        let compute: @Sendable () async throws -> ByteBuffer = {
            computations.withLock { $0 += 1 }
            try await Task.sleep(for: .milliseconds(200))
            return ByteBuffer(string: "answer")
        }
        let answers = try await withThrowingTaskGroup(of: ByteBuffer.self) { group in
            for _ in 0..<20 { group.addTask { try await cache.answer(for: "/a", version: "v1", compute) } }
            return try await group.reduce(into: [ByteBuffer]()) { $0.append($1) }
        }
        #expect(answers == Array(repeating: ByteBuffer(string: "answer"), count: 20))
        #expect(computations.withLock { $0 } == 1)
        _ = try await cache.answer(for: "/a", version: "v1", compute)
        #expect(computations.withLock { $0 } == 1)
        _ = try await cache.answer(for: "/a", version: "v2", compute)
        #expect(computations.withLock { $0 } == 2)

        // A failed computation is not kept: the next request tries again.
        struct Failure: Error {}
        await #expect(throws: Failure.self) {
            try await cache.answer(for: "/b", version: "v2") { throw Failure() }
        }
        #expect(
            try await cache.answer(for: "/b", version: "v2") { ByteBuffer(string: "second try") }
                == ByteBuffer(string: "second try"))
    }
}
