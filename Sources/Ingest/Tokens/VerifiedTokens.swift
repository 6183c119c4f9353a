import EventStore
import Foundation
import Synchronization

/// Identities of tokens already verified against `api_tokens`, by the
/// token's SHA-256, so that a request with a known token needs no database
/// round trip. Kept only while `ChangeNotifications` vouches for the tokens
/// topic: a revocation anywhere empties every process's copy when it
/// commits, and without a live listener nothing is kept or used.
///
/// Only live tokens are kept, never an unknown or revoked one: a token made
/// later must be found. At most `maximumEntries` (more than a fleet's
/// workspace tokens); when full, the copy starts again empty.
final class VerifiedTokens: Sendable {
    static let maximumEntries = 200_000

    private struct Entries {
        var generation: UInt64 = 0
        var identities: [Data: Identity] = [:]
    }

    let changes: ChangeNotifications
    private let entries = Mutex(Entries())

    init(changes: ChangeNotifications) {
        self.changes = changes
    }

    /// The identity kept for `hash`, if the copy may be used.
    func identity(forHash hash: Data) -> Identity? {
        guard let generation = changes.generation(of: .tokens) else { return nil }
        return entries.withLock { entries in
            entries.generation == generation ? entries.identities[hash] : nil
        }
    }

    /// Keeps what the database said at `generation`, read before it was asked.
    func keep(_ identity: Identity, forHash hash: Data, verifiedAt generation: UInt64) {
        entries.withLock { entries in
            if entries.generation != generation {
                // An older generation's entries are stale; a newer one's make this answer stale.
                guard generation > entries.generation else { return }
                entries = Entries(generation: generation)
            }
            if entries.identities.count >= Self.maximumEntries { entries.identities.removeAll() }
            entries.identities[hash] = identity
        }
    }
}
