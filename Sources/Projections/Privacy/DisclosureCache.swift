import NPSDomain
import Synchronization

/// Decided privacy rules, keyed by the exact state of the voter groups they
/// were decided from: the campaign's groups tag (`VoterGroupQuery.stateTag`)
/// read inside the answer's own snapshot (`ReadSnapshot`), with the groups,
/// not the one a request was routed by. Equal tags mean equal groups (every
/// batch that moved the campaign, every rebuild and purge is in the tag), so
/// a kept rule governs the figures of any later snapshot with the same tag:
/// the vote export and the vote pages the counts do not settle then decide
/// it once, and a campaign read while another one's results arrive is not
/// decided again at every batch. At 100,000 workspaces a decision is 0.5 to
/// 0.9 s of reading and deciding. (The role breakdown, the workspace page,
/// the dashboard and most vote pages decide their parts of the rule from
/// counts: `RoleDisclosure`, `WorkspaceDisclosure`, `RoleRemainderProof`.)
///
/// Bounded: the last few decisions of each kind only (each can hold a
/// campaign's every workspace id).
public final class DisclosureCache: Sendable {
    public static let capacity = 4

    struct Key: Hashable {
        var campaignID: String
        var groupsTag: String
        var isReleased: Bool
        var k: Int
    }

    private let kept = Mutex<[(key: Key, decided: Disclosure)]>([])
    /// A vote page's rules (`PrivacyLayer.pageRules`), nil where they send a page to the whole decision.
    private let keptPages = Mutex<[(key: Key, decided: PrivacyLayer.PageRules?)]>([])

    public init() {}

    func disclosure(for key: Key, _ decide: () async throws -> Disclosure) async throws -> Disclosure {
        try await Self.keep(in: kept, key, decide)
    }

    func pageRules(
        for key: Key, _ decide: () async throws -> PrivacyLayer.PageRules?
    ) async throws -> PrivacyLayer.PageRules? {
        try await Self.keep(in: keptPages, key, decide)
    }

    private static func keep<Decided: Sendable>(
        in kept: borrowing Mutex<[(key: Key, decided: Decided)]>, _ key: Key, _ decide: () async throws -> Decided
    ) async throws -> Decided {
        if let found = kept.withLock({ $0.first { $0.key == key } }) { return found.decided }
        let decided = try await decide()
        kept.withLock { kept in
            kept.removeAll { $0.key == key }
            kept.insert((key, decided), at: 0)
            if kept.count > Self.capacity { kept.removeLast() }
        }
        return decided
    }
}
