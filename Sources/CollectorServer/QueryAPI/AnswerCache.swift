import NIOCore
import Synchronization

/// Encoded answers of the query API for the read models' current version,
/// keyed by path and query. The read models only change when a projection
/// moves, which changes the version, so an answer stays right for as long
/// as the version does; the first request of a new version empties the
/// cache. Requests that miss together wait for one computation rather than
/// each running the same queries. Bounded in bytes: a large answer is
/// served, not kept.
///
/// An answer is kept as the bytes sent: a hit is a dictionary lookup under a
/// lock and a shared buffer, with no task, no copy and no JSON encoding.
final class AnswerCache: Sendable {
    static let maximumBytes = 64 * 1_024 * 1_024
    static let maximumAnswerBytes = 1_024 * 1_024

    private struct Entries {
        var version = ""
        var answers: [String: ByteBuffer] = [:]
        var pending: [String: Task<ByteBuffer, any Error>] = [:]
        var bytes = 0
    }

    private enum Lookup {
        case kept(ByteBuffer)
        case computing(Task<ByteBuffer, any Error>)
    }

    private let entries = Mutex(Entries())

    /// The answer kept for `key` at `version`, else `compute`'s (shared with
    /// any request that asks meanwhile), kept when it fits.
    func answer(
        for key: String, version: String, _ compute: @escaping @Sendable () async throws -> ByteBuffer
    ) async throws -> ByteBuffer {
        let lookup: Lookup = entries.withLock { entries in
            if entries.version != version { entries = Entries(version: version) }
            if let kept = entries.answers[key] { return .kept(kept) }
            if let pending = entries.pending[key] { return .computing(pending) }
            let computation = Task { try await compute() }
            entries.pending[key] = computation
            return .computing(computation)
        }
        switch lookup {
        case .kept(let answer): return answer
        case .computing(let task): return try keep(await task.result, for: key, version: version)
        }
    }

    private func keep(
        _ result: Result<ByteBuffer, any Error>, for key: String, version: String
    ) throws -> ByteBuffer {
        entries.withLock { entries in
            guard entries.version == version, entries.pending[key] != nil else { return }
            entries.pending[key] = nil
            guard case .success(let answer) = result else { return }
            let size = answer.readableBytes + key.utf8.count
            guard size <= Self.maximumAnswerBytes, entries.bytes + size <= Self.maximumBytes else { return }
            entries.answers[key] = answer
            entries.bytes += size
        }
        return try result.get()
    }
}
