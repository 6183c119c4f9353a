import EventStore

extension EventLog {
    /// Reads until `expected` events have arrived or `deadline` passes. Tests
    /// share one cluster, and an open transaction anywhere in it holds readers
    /// back for a moment (they wait, they never skip): so wait, don't assume.
    public func drain(
        from checkpoint: Checkpoint,
        expecting expected: Int,
        deadline: Duration = .seconds(120)
    ) async throws -> ReadBatch {
        var events: [RecordedEvent] = []
        var checkpoint = checkpoint
        let end = ContinuousClock.now + deadline
        while events.count < expected, ContinuousClock.now < end {
            let batch = try await read(after: checkpoint, limit: 1_000)
            events += batch.events
            checkpoint = batch.checkpoint
            if batch.events.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        }
        return ReadBatch(events: events, checkpoint: checkpoint)
    }
}
