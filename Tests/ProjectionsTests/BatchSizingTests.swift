import Testing

@testable import Projections

/// How far a projector's batches grow while it is behind, and when they
/// shrink again (no database: the sizing alone).
@Suite("Batch sizing")
struct BatchSizingTests {
    @Test("a projector starts at the catch-up size: it starts behind by whatever the log grew meanwhile")
    func startsAtCatchUpSize() {
        var sizing = BatchSizing(ProjectorConfiguration(batchSize: 10, catchUpBatchSize: 50))
        #expect(sizing.limit == 50)
        sizing.observe(.caughtUp)
        #expect(sizing.limit == 10)
    }

    @Test("a full batch raises the limit to the catch-up size; a partial or failed one brings it back")
    func growsWhileBehind() {
        var sizing = BatchSizing(ProjectorConfiguration(batchSize: 10, catchUpBatchSize: 50))
        sizing.observe(.applied(events: 3))
        var limits: [Int] = []
        for _ in 0..<3 {
            limits.append(sizing.limit)
            sizing.observe(.applied(events: sizing.limit))
        }
        #expect(limits == [10, 50, 50])

        sizing.observe(.overtaken)
        #expect(sizing.limit == 50, "a step that applied nothing because a swap moved the checkpoint changes nothing")
        sizing.observe(.applied(events: 49))
        #expect(sizing.limit == 10, "a batch that is not full has caught up")
        sizing.observe(.applied(events: 9))
        #expect(sizing.limit == 10)

        sizing.observe(.applied(events: 10))
        sizing.observe(.halted)
        #expect(sizing.limit == 10)
        sizing.observe(.applied(events: 10))
        sizing.observe(.caughtUp)
        #expect(sizing.limit == 10)
    }

    @Test("a catch-up size below the live size is the live size: batches never shrink below it")
    func catchUpAtLeastLive() {
        var sizing = BatchSizing(ProjectorConfiguration(batchSize: 100, catchUpBatchSize: 10))
        sizing.observe(.applied(events: 100))
        #expect(sizing.limit == 100)
    }
}
