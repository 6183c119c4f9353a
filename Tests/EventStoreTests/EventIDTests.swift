import EventStore
import Foundation
import Testing

@Suite("Event ids")
struct EventIDTests {
    @Test("v7 ids carry their version and variant and sort by time")
    func timeOrdered() {
        let earlier = EventID.make(at: Date(timeIntervalSince1970: 1_800_000_000))
        let later = EventID.make(at: Date(timeIntervalSince1970: 1_800_000_001))
        #expect(earlier.uuidString.dropFirst(14).first == "7")
        #expect(["8", "9", "A", "B"].contains(earlier.uuidString.dropFirst(19).first.map(String.init)))
        #expect(earlier.uuidString < later.uuidString)
        #expect(EventID.make() != EventID.make())
    }

    @Test("name-based ids are stable, distinct per name, and version 8")
    func named() {
        #expect(EventID.named("AdminNotified", "w1", "c1") == EventID.named("AdminNotified", "w1", "c1"))
        #expect(EventID.named("AdminNotified", "w1", "c1") != EventID.named("AdminNotified", "w1c", "1"))
        #expect(EventID.named("x").uuidString.dropFirst(14).first == "8")
    }
}
