import Synchronization

/// JSON answers of the query API for the read models' current version,
/// keyed by path and query. The read models only change when a projection
/// moves, which changes the version, so an answer stays right for as long
/// as the version does; the first request of a new version empties the
/// cache. Requests that miss together wait for one computation rather than
/// each running the same queries. Bounded in bytes: a large answer is
/// served, not kept.
final class AnswerCache: Sendable {
    static let maximumBytes = 64 * 1_024 * 1_024
    static let maximumAnswerBytes = 1_024 * 1_024

    private struct Entries {
        var version = ""
        var answers: [String: String] = [:]
        var pending: [String: Task<String, any Error>] = [:]
        var bytes = 0
    }

    private let entries = Mutex(Entries())

    /// The answer kept for `key` at `version`, else `compute`'s (shared with
    /// any request that asks meanwhile), kept when it fits.
    func answer(
        for key: String, version: String, _ compute: @escaping @Sendable () async throws -> String
    ) async throws -> String {
        let task: Task<String, any Error> = entries.withLock { entries in
            if entries.version != version { entries = Entries(version: version) }
            if let kept = entries.answers[key] { return Task { kept } }
            if let pending = entries.pending[key] { return pending }
            let computation = Task { try await compute() }
            entries.pending[key] = computation
            return computation
        }
        let result = await task.result
        entries.withLock { entries in
            guard entries.version == version, entries.pending[key] != nil else { return }
            entries.pending[key] = nil
            guard case .success(let answer) = result else { return }
            let size = answer.utf8.count + key.utf8.count
            guard size <= Self.maximumAnswerBytes, entries.bytes + size <= Self.maximumBytes else { return }
            entries.answers[key] = answer
            entries.bytes += size
        }
        return try result.get()
    }
}
