import EventStore
import NPSDomain
import Synchronization

/// The campaign book as last read, kept while `ChangeNotifications` vouches
/// for the campaigns topic: a sync, a survey fetch or an upload then reads no
/// stream. An append to the `campaigns` stream anywhere ends the copy when
/// it commits; without a live listener nothing is kept or used.
final class CampaignBookCopy: Sendable {
    private struct Kept {
        var generation: UInt64
        var book: CampaignBook
    }

    let changes: ChangeNotifications
    private let kept = Mutex<Kept?>(nil)

    init(changes: ChangeNotifications) {
        self.changes = changes
    }

    /// The book kept, if it may be used, else `load`'s (kept for the generation read before loading).
    func book(_ load: () async throws -> CampaignBook) async throws -> CampaignBook {
        guard let generation = changes.generation(of: .campaigns) else { return try await load() }
        if let book = kept.withLock({ $0?.generation == generation ? $0?.book : nil }) { return book }
        let book = try await load()
        kept.withLock { kept in
            if kept == nil || kept!.generation <= generation { kept = Kept(generation: generation, book: book) }
        }
        return book
    }
}
