import NIOCore
import Projections
import Synchronization

/// Encoded answers of the query API, keyed by path and query, for the read
/// models' current version. The read models only change when a projection
/// moves, which changes the version, so an answer stays right for as long
/// as the version does. Requests that miss together wait for one
/// computation rather than each running the same queries. Bounded in
/// bytes: a large answer is served, not kept.
///
/// Under a steady ingest the version moves with every projector batch,
/// faster than a large campaign's answer is computed. So when the version
/// moves, the answers of the versions before are kept as the latest of each
/// key, and while one request computes the new answer, the requests that
/// arrive meanwhile get the latest one, tagged with its own version (an
/// answer, and its tag, of one consistent state, only older), instead of
/// all waiting. A request alone (no computation in flight) always waits for
/// the current version's answer, so whoever reads after a change sees it.
/// Never across a purge: after one, every answer is computed again.
///
/// An answer is kept as the bytes sent: a hit is a dictionary lookup under
/// a lock and a shared buffer, with no task, no copy and no JSON encoding.
final class AnswerCache: Sendable {
    static let maximumBytes = 64 * 1_024 * 1_024
    static let maximumAnswerBytes = 1_024 * 1_024

    struct Answer: Sendable {
        var version: ReadModelVersion
        var body: ByteBuffer
    }

    private struct Computation {
        var version: ReadModelVersion
        var task: Task<ByteBuffer, any Error>
    }

    private struct Entries {
        var version: ReadModelVersion?
        var answers: [String: ByteBuffer] = [:]
        var bytes = 0
        /// At most one computation per key, whichever version it computes.
        var pending: [String: Computation] = [:]
        /// The latest answer of each key from an earlier version, and their size.
        var earlier: [String: Answer] = [:]
        var earlierBytes = 0

        /// Moves to `version`, keeping this version's answers as the latest earlier ones.
        mutating func move(to version: ReadModelVersion) {
            var next = Entries(version: version)
            if let current = self.version, current.purges == version.purges {
                next.pending = pending
                next.earlier = earlier
                next.earlierBytes = earlierBytes
                for (key, body) in answers { next.keepEarlier(key, Answer(version: current, body: body)) }
            }
            self = next
        }

        mutating func keepEarlier(_ key: String, _ answer: Answer) {
            if let kept = earlier[key] {
                guard kept.version.position <= answer.version.position else { return }
                earlierBytes -= kept.body.readableBytes
            }
            guard earlierBytes + answer.body.readableBytes <= AnswerCache.maximumBytes else { return }
            earlier[key] = answer
            earlierBytes += answer.body.readableBytes
        }
    }

    private enum Lookup {
        case kept(Answer)
        case computing(Computation)
    }

    private let entries = Mutex(Entries())

    /// The answer kept for `key` at `version`; else, while a computation of
    /// it is in flight, the latest earlier one; else `compute`'s (shared
    /// with any request that asks meanwhile), kept when it fits.
    func answer(
        for key: String, at version: ReadModelVersion, _ compute: @escaping @Sendable () async throws -> ByteBuffer
    ) async throws -> Answer {
        let lookup: Lookup = entries.withLock { entries in
            if entries.version?.tag != version.tag { entries.move(to: version) }
            if let kept = entries.answers[key] { return .kept(Answer(version: version, body: kept)) }
            if let pending = entries.pending[key] {
                if let earlier = entries.earlier[key] { return .kept(earlier) }
                return .computing(pending)
            }
            let computation = Computation(version: version, task: Task { try await compute() })
            entries.pending[key] = computation
            return .computing(computation)
        }
        switch lookup {
        case .kept(let answer): return answer
        case .computing(let computation):
            let body = try keep(await computation.task.result, for: key, version: computation.version)
            return Answer(version: computation.version, body: body)
        }
    }

    private func keep(
        _ result: Result<ByteBuffer, any Error>, for key: String, version: ReadModelVersion
    ) throws -> ByteBuffer {
        entries.withLock { entries in
            guard entries.pending[key]?.version.tag == version.tag else { return }
            entries.pending[key] = nil
            guard case .success(let answer) = result, let current = entries.version else { return }
            let size = answer.readableBytes + key.utf8.count
            if current.tag == version.tag {
                guard size <= Self.maximumAnswerBytes, entries.bytes + size <= Self.maximumBytes else { return }
                entries.answers[key] = answer
                entries.bytes += size
            } else if current.purges == version.purges, size <= Self.maximumAnswerBytes {
                entries.keepEarlier(key, Answer(version: version, body: answer))
            }
        }
        return try result.get()
    }
}
