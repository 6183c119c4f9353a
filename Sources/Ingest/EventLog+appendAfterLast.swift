import EventStore
import Foundation

extension EventLog {
    /// Appends what `decide` makes of the stream's last event (nil: nothing),
    /// expecting that event still to be the last: when another writer got
    /// there in between, reads and decides again (at most 5 times). For the
    /// streams that record a value only when it changes (the NPS setting, the
    /// workspace profile).
    func appendAfterLast(of stream: String, _ decide: (RecordedEvent?) throws -> NewEvent?) async throws {
        for attempt in 1...5 {
            let last = try await lastEvent(of: stream)
            guard let event = try decide(last) else { return }
            do {
                try await append(
                    [event], to: stream, expectedVersion: last.map { .exactly($0.streamVersion) } ?? .noStream)
                return
            } catch is WrongExpectedVersion where attempt < 5 {
                continue
            }
        }
    }
}
