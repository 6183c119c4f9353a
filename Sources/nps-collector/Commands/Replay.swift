import ArgumentParser
import EventStore
import Foundation
import NPSDomain
import Projections

struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild read models from the log while the live ones keep answering.",
        discussion: """
            Each read model is folded from the start of the log into shadow tables
            (schema replay_<read model>), caught up with the head, then swapped in
            atomically; the old tables are dropped. With --verify the rebuild is
            compared with the live tables row by row instead, and the exit status
            is 1 when any row differs. An interrupted replay leaves the live tables
            untouched and resumes when run again; --clean drops what it left.
            Uses MIGRATE_DATABASE_URL (the owner role): it creates and moves tables.
            """
    )

    @Argument(help: "The read model to rebuild: \(ProjectionCatalog.readModels.joined(separator: ", ")).")
    var readModel: String?

    @Flag(help: "Every read model, one after the other.")
    var all = false

    @Flag(help: "Compare the rebuild with the live tables instead of swapping it in; exit 1 on any difference.")
    var verify = false

    @Flag(help: "Drop shadow tables left by interrupted replays (alone, or before replaying).")
    var clean = false

    @Flag(help: "Print a JSON summary on standard output at the end.")
    var json = false

    @OptionGroup var projection: ProjectionOptions

    func validate() throws {
        if all && readModel != nil { throw ValidationError("name a read model or give --all, not both") }
        if !all && readModel == nil && !clean { throw ValidationError("name a read model, or give --all or --clean") }
        if let readModel, !ProjectionCatalog.readModels.contains(readModel) {
            throw ValidationError(UnknownReadModel(name: readModel).description)
        }
    }

    func run() async throws {
        let logger = EnvironmentSettings.logger("nps-collector.replay")
        let owner = try EnvironmentSettings.migrateDatabaseURL()
        if clean {
            let dropped = try await ReadModelReplay.clean(owner: owner, logger: logger)
            ReplayProgressDisplay.note(
                dropped.isEmpty ? "no shadow tables to clean" : "dropped \(dropped.joined(separator: ", "))")
        }
        let readModels = all ? ProjectionCatalog.readModels : readModel.map { [$0] } ?? []
        guard !readModels.isEmpty else { return }
        let summary = try await ReplayRun(
            readModels: readModels, mode: verify ? .verify : .swap, owner: owner,
            configuration: try projection.configuration()
        ).run(logger: logger)
        if json {
            print(try EventJSON.encode(summary))
        } else if verify {
            summary.printDifferences()
        }
        if verify && summary.differences > 0 { throw ExitCode(1) }
    }
}
