import Foundation
import NPSDomain
import Simulation
import Testing

/// The simulator's traffic is a function of its settings alone.
@Suite struct SimulatedTrafficTests {
    static let start = EventJSON.parseTimestamp("2027-01-04T00:00:00Z")!

    static func recording(seed: UInt64) -> (bytes: [UInt8], report: SimulationRun.Report) {
        var bytes: [UInt8] = []
        let plan = SimulationPlan(SimulationSettings(workspaces: 40, campaigns: 2, seed: seed, start: start))
        let report = SimulationRun.record(plan) { bytes += $0 }
        return (bytes, report)
    }

    @Test func sameSeedSameTrafficByteForByte() {
        let first = Self.recording(seed: 42)
        let second = Self.recording(seed: 42)
        #expect(first.bytes.count > 100_000)
        #expect(first.bytes == second.bytes)
        #expect(first.report.digest == second.report.digest)
        #expect(first.report.truth == second.report.truth)
    }

    @Test func anotherSeedOtherTraffic() {
        let first = Self.recording(seed: 42)
        let other = Self.recording(seed: 43)
        #expect(first.bytes != other.bytes)
        #expect(first.report.digest != other.report.digest)
    }

    @Test func everyWireShapeIsInTheFleet() {
        let text = String(decoding: Self.recording(seed: 42).bytes, as: UTF8.self)
        #expect(text.contains("Content-Type: text/plain;charset=UTF-8"))
        #expect(text.contains("\"score\":\""))  // string scores
        #expect(text.contains("\"score\":1") || text.contains("\"score\":9"))  // numeric scores
        #expect(text.contains("\"npsId\":\"sim-42-1\""))  // 3.x whole documents
        #expect(text.contains("\"comment\":\"undefined\""))  // 6.x without a comment
        #expect(text.contains("POST /api/v3/comms/workspace"))
        #expect(text.contains("/client HTTP/1.1"))
    }
}
