import ArgumentParser
import Foundation
import NPSDomain
import Simulation

/// `nps-collector simulate`: a fleet of Rocket.Chat servers driving a
/// collector over HTTP only, in simulated time (see `Sources/Simulation`).
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Drive a collector (started with NPS_SIMULATED_CLOCK=on) with a simulated fleet of workspaces.",
        discussion: """
            Registers the workspaces through the admin API, then plays each campaign: announcement, sync \
            (admins notified), opt-outs, survey fetch on the start day, results uploads of at most 1000 votes \
            after expiry (some repeated, some lost), changed votes, statistics. Prints the ground truth; \
            --check compares it with the query API and exits 1 on any difference.
            """
    )

    @Option(help: "The collector, http://host:port.")
    var url: String?

    @Option(help: "An admin token of that collector (visible in ps: use it on machines of your own).")
    var adminToken: String?

    @Option(help: "Workspaces in the fleet.")
    var workspaces = 200

    @Option(help: "Campaigns, six months apart.")
    var campaigns = 2

    @Option(help: "Seed: the same seed and settings send the same traffic, byte for byte.")
    var seed: UInt64 = 1

    @Option(help: "The NPS the workspaces vary around, -100 to 100.")
    var nps: Double = 30

    @Option(
        help: "Simulated time of the first request (ISO 8601); default: the next midnight UTC of the collector's clock."
    )
    var start: String?

    @Option(help: "Keep-alive connections to the collector.")
    var connections = 8

    @Flag(help: "Compare the collector's answers with the ground truth; exit 1 on any difference.")
    var check = false

    @Option(help: "Seconds --check waits for the projectors to catch up.")
    var checkTimeout = 300

    @Flag(help: "Send nothing: write the requests (with --record) and print the ground truth.")
    var dryRun = false

    @Option(help: "With --dry-run: write every request, in plan order, to this file.")
    var record: String?

    func validate() throws {
        guard (1...1_000_000).contains(workspaces) else { throw ValidationError("--workspaces must be 1 to 1,000,000") }
        guard (1...100).contains(campaigns) else { throw ValidationError("--campaigns must be 1 to 100") }
        guard (-100...100).contains(nps) else { throw ValidationError("--nps must be from -100 to 100") }
        guard (1...256).contains(connections) else { throw ValidationError("--connections must be 1 to 256") }
        if dryRun {
            guard start != nil else { throw ValidationError("--dry-run needs --start (no collector to ask)") }
            guard !check else { throw ValidationError("--check needs a collector, not --dry-run") }
        } else {
            guard url != nil, adminToken != nil else { throw ValidationError("--url and --admin-token are required") }
            guard record == nil else { throw ValidationError("--record goes with --dry-run") }
        }
        if let start, EventJSON.parseTimestamp(start) == nil {
            throw ValidationError("--start \(start): expected an ISO 8601 date-time")
        }
    }

    func run() async throws {
        if dryRun {
            let plan = SimulationPlan(settings(start: EventJSON.parseTimestamp(start ?? "") ?? Date()))
            let report = try writeRecording(plan)
            print(report.text)
            return
        }
        let target = try CollectorTarget(url: url ?? "", adminToken: adminToken ?? "")
        let collectorNow = try await target.clock()
        let plan = SimulationPlan(
            settings(
                start: start.flatMap(EventJSON.parseTimestamp) ?? SimulationSettings.nextMidnight(after: collectorNow)))
        let report = try await SimulationRun(plan: plan, target: target, connections: connections).run { phase in
            FileHandle.standardError.write(
                Data("simulate: \(phase.name) at \(EventJSON.formatTimestamp(phase.at))\n".utf8))
        }
        print(report.text)
        print("sent in \(String(format: "%.1f", report.elapsed.seconds)) s")
        guard report.unexpected == 0 else { throw ExitCode(1) }
        guard check else { return }
        let verdict = CollectorCheck(target: target)
        try await verdict.waitForProjections(timeout: .seconds(checkTimeout))
        let differences =
            try await verdict.differences(report.truth) + (try await verdict.segmentDifferences(report.truth))
        if differences.isEmpty {
            print(
                "check: the collector's answers equal the ground truth (\(report.truth.count) campaigns, and their segments by \(CollectorCheck.segmentDimensions.joined(separator: ", ")))"
            )
        } else {
            print("check: \(differences.count) differences")
            for difference in differences { print("  \(difference)") }
            throw ExitCode(1)
        }
    }

    func settings(start: Date) -> SimulationSettings {
        SimulationSettings(workspaces: workspaces, campaigns: campaigns, seed: seed, nps: nps, start: start)
    }

    private func writeRecording(_ plan: SimulationPlan) throws -> SimulationRun.Report {
        guard let record else { return SimulationRun.record(plan) { _ in } }
        guard FileManager.default.createFile(atPath: record, contents: nil),
            let file = FileHandle(forWritingAtPath: record)
        else { throw ValidationError("--record \(record): cannot be written") }
        defer { try? file.close() }
        return try SimulationRun.record(plan) { bytes in try file.write(contentsOf: bytes) }
    }
}
