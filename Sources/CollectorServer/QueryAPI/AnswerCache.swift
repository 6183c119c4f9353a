import Synchronization

/// JSON answers of the query API for the read models' current version,
/// keyed by path and query. The read models only change when a projection
/// moves, which changes the version, so an answer stays right for as long
/// as the version does; the first request of a new version empties the
/// cache. Bounded in bytes: a large answer is served, not kept.
final class AnswerCache: Sendable {
    static let maximumBytes = 64 * 1_024 * 1_024
    static let maximumAnswerBytes = 1_024 * 1_024

    private struct Entries {
        var version = ""
        var answers: [String: String] = [:]
        var bytes = 0
    }

    private let entries = Mutex(Entries())

    func answer(for key: String, version: String) -> String? {
        entries.withLock { entries in
            entries.version == version ? entries.answers[key] : nil
        }
    }

    func store(_ answer: String, for key: String, version: String) {
        let size = answer.utf8.count + key.utf8.count
        guard size <= Self.maximumAnswerBytes else { return }
        entries.withLock { entries in
            if entries.version != version { entries = Entries(version: version) }
            guard entries.bytes + size <= Self.maximumBytes, entries.answers[key] == nil else { return }
            entries.answers[key] = answer
            entries.bytes += size
        }
    }
}
