import ArgumentParser
import CollectorServer
import NPSDomain
import Projections

struct ProjectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections",
        abstract: "Where the read models are: status, and resuming a halted one.",
        subcommands: [Status.self, Resume.self]
    )

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A JSON list, one object per projection (as GET /api/v1/projections).")

        func run() async throws {
            let statuses = try await EnvironmentSettings.withServices("nps-collector.projections") {
                try await $0.projections.status()
            }
            print(try EventJSON.encode(statuses))
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Clear a projection's halt, so that its owner tries the event again (after a fix).")

        @Argument(help: "The projection's name, as the status shows it (votes/0, campaigns, ...).")
        var name: String

        func run() async throws {
            guard ProjectionCatalog.all.contains(where: { $0.name == name }) else {
                throw ValidationError(
                    "unknown projection \(name); known: \(ProjectionCatalog.all.map(\.name).joined(separator: ", "))")
            }
            let resumed = try await EnvironmentSettings.withServices("nps-collector.projections") {
                try await $0.projections.resume(name)
            }
            print(resumed ? "resumed \(name)" : "\(name) was not halted")
        }
    }
}
