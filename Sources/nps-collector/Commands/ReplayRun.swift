import EventStore
import Foundation
import Logging
import NPSDomain
import Projections

/// Replays read models one after the other with a progress display; shared
/// by `replay`, `workspaces purge` and `bench replay`.
struct ReplayRun {
    var readModels: [String]
    var mode: ReadModelReplay.Mode
    var owner: DatabaseURL
    var configuration: ProjectorConfiguration

    /// What `replay --json` prints.
    struct Summary: Codable {
        var mode: ReadModelReplay.Mode
        var readModels: [ReadModelReplay.Outcome]
        var events: Int
        var seconds: Double
        var eventsPerSecond: Double
        var differences: Int

        func printDifferences() {
            for outcome in readModels {
                let count = outcome.differences ?? 0
                print("\(outcome.readModel): \(count == 0 ? "no difference" : "\(count) rows differ")")
                for difference in outcome.firstDifferences ?? [] { print("  \(difference)") }
                if count > (outcome.firstDifferences?.count ?? 0) {
                    print("  ... and \(count - (outcome.firstDifferences?.count ?? 0)) more")
                }
            }
        }
    }

    func run(logger: Logger) async throws -> Summary {
        let display = ReplayProgressDisplay()
        let started = ContinuousClock.now
        var outcomes: [ReadModelReplay.Outcome] = []
        for readModel in readModels {
            let replay = try ReadModelReplay(
                readModel: readModel, owner: owner, configuration: configuration, logger: logger)
            outcomes.append(try await replay.run(mode) { display.show($0) })
        }
        let seconds = (ContinuousClock.now - started).seconds
        let events = outcomes.reduce(0) { $0 + $1.events }
        return Summary(
            mode: mode, readModels: outcomes, events: events, seconds: seconds,
            eventsPerSecond: seconds > 0 ? Double(events) / seconds : 0,
            differences: outcomes.reduce(0) { $0 + ($1.differences ?? 0) })
    }
}
