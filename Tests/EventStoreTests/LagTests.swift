import EventStore
import TestSupport
import Testing

@Suite("Lag")
struct LagTests {
    @Test("counts committed events after a checkpoint")
    func lag() async throws {
        try await TestDatabase.with { database in
            #expect(try await database.log.lag(after: .beginning) == Lag(events: 0, seconds: 0))
            try await database.log.append(SampleEvents.votes(7), to: "s")
            let lag = try await database.log.lag(after: .beginning)
            #expect(lag.events == 7)
            #expect(lag.seconds >= 0)
            let batch = try await database.log.drain(from: .beginning, expecting: 7)
            #expect(try await database.log.lag(after: batch.checkpoint).events == 0)
        }
    }
}
