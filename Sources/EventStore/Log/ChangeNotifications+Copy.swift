import Synchronization

extension ChangeNotifications {
    /// A value read from the database, kept while its topic's generation
    /// holds: the reads that follow need no round trip until a change of the
    /// topic commits anywhere (or the listener stops vouching for it).
    public final class Copy<Value: Sendable>: Sendable {
        private struct Kept {
            var generation: UInt64
            var value: Value
        }

        public let changes: ChangeNotifications
        public let topic: Topic
        private let stored = Mutex<Kept?>(nil)

        public init(of topic: Topic, changes: ChangeNotifications) {
            self.changes = changes
            self.topic = topic
        }

        /// The value kept, if it may be used: no waiting, no round trip.
        public func kept() -> Value? {
            guard let generation = changes.generation(of: topic) else { return nil }
            return stored.withLock { $0?.generation == generation ? $0?.value : nil }
        }

        /// The value kept, if it may be used, else `load`'s (kept for the generation read before loading).
        public func value(_ load: () async throws -> Value) async throws -> Value {
            if let value = kept() { return value }
            guard let generation = changes.generation(of: topic) else { return try await load() }
            let value = try await load()
            stored.withLock { slot in
                if (slot?.generation ?? 0) <= generation { slot = Kept(generation: generation, value: value) }
            }
            return value
        }
    }
}
