import Synchronization
import Testing

@testable import CollectorServer

@Suite("Answer cache")
struct AnswerCacheTests {
    @Test("requests that miss together share one computation; a new version starts afresh")
    func singleFlight() async throws {
        let cache = AnswerCache()
        let computations = Mutex(0)
        let compute: @Sendable () async throws -> String = {
            computations.withLock { $0 += 1 }
            try await Task.sleep(for: .milliseconds(200))
            return "answer"
        }
        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await cache.answer(for: "/a", version: "v1", compute) } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(answers == Array(repeating: "answer", count: 20))
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
        #expect(try await cache.answer(for: "/b", version: "v2") { "second try" } == "second try")
    }
}
