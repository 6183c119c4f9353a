import EventStore
import Foundation

extension EventLog {
    /// Appends what `decide` makes of the stream's last event (nil: nothing),
    /// expecting that event still to be the last: when another writer got
    /// there in between, reads and decides again (at most 5 times). For the
    /// streams that record a value only when it changes (the NPS setting, the
    /// workspace profile).
    func appendAfterLast(of stream: String, _ decide: (RecordedEvent?) throws -> NewEvent?) async throws {
        try await appendAfter(try await lastEvent(of: stream), of: stream, decide)
    }

    /// `appendAfterLast`, starting from `last` as the caller read it (with other reads, in one round trip).
    func appendAfter(
        _ last: RecordedEvent?, of stream: String, _ decide: (RecordedEvent?) throws -> NewEvent?
    ) async throws {
        var last = last
        for attempt in 1...5 {
            guard let event = try decide(last) else { return }
            do {
                try await append(
                    [event], to: stream, expectedVersion: last.map { .exactly($0.streamVersion) } ?? .noStream)
                return
            } catch is WrongExpectedVersion where attempt < 5 {
                last = try await lastEvent(of: stream)
            }
        }
    }
}
