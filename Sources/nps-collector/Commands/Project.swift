import ArgumentParser
import EventStore
import Logging
import PostgresNIO
import Projections
import ServiceLifecycle
import UnixSignals

struct Project: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the projectors alone, without HTTP, until SIGTERM or SIGINT.",
        discussion: """
            Any number of these (and of `serve`) may run against one database, on
            one machine or several: each projection is owned by one process at a
            time, and another takes it over within seconds when its owner dies.
            Migrations are left to `serve` or `migrate`.
            """
    )

    @OptionGroup var projection: ProjectionOptions

    @Option(help: "Fold only these read models (comma-separated: votes, campaigns, workspaces); all by default.")
    var only: String?

    func run() async throws {
        let logger = EnvironmentSettings.logger("nps-collector.project")
        let configuration = try projection.configuration()
        var projections = ProjectionCatalog.all
        if let only {
            let names = only.split(separator: ",").map { String($0) }
            projections = try names.flatMap { name in
                let projections = ProjectionCatalog.projections(of: name)
                guard !projections.isEmpty else {
                    throw ValidationError(
                        "unknown read model \(name); known: \(ProjectionCatalog.readModels.joined(separator: ", "))")
                }
                return projections
            }
        }
        let database = PostgresClient(
            // The projectors' connections, the LISTEN connection and one to spare.
            configuration: try EnvironmentSettings.databaseURL().clientConfiguration(
                maximumConnections: projections.count + 2),
            backgroundLogger: logger
        )
        let projectors = ProjectorService(
            client: database, projections: projections, configuration: configuration, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: database),
                    .init(service: projectors, successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}
