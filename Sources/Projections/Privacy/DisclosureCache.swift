import NPSDomain
import Synchronization

/// Decided privacy rules, keyed by the exact state of the read models they
/// were decided from: the version tag read inside the answer's own snapshot
/// (`ReadSnapshot`), not the one a request was routed by. Equal tags mean
/// equal read models (every checkpoint, rebuild and purge is in the tag), so
/// a kept rule governs the figures of any later snapshot with the same tag:
/// the breakdown, the workspace and vote pages, the exports and the dashboard
/// of one campaign then decide it once. At 100,000 workspaces that is a
/// quarter of a second of reading and deciding each of them saves.
///
/// Bounded: the last few decisions only (each can hold a campaign's every
/// workspace id).
public final class DisclosureCache: Sendable {
    public static let capacity = 4

    struct Key: Hashable {
        var campaignID: String
        var versionTag: String
        var isReleased: Bool
        var k: Int
    }

    private let kept = Mutex<[(key: Key, disclosure: Disclosure)]>([])

    public init() {}

    func disclosure(for key: Key, _ decide: () async throws -> Disclosure) async throws -> Disclosure {
        if let found = kept.withLock({ $0.first { $0.key == key }?.disclosure }) { return found }
        let decided = try await decide()
        kept.withLock { kept in
            kept.removeAll { $0.key == key }
            kept.insert((key, decided), at: 0)
            if kept.count > Self.capacity { kept.removeLast() }
        }
        return decided
    }
}
