import ArgumentParser
import Projections

/// The projector settings `serve` and `project` share.
struct ProjectionOptions: ParsableArguments {
    @Option(
        name: .customLong("projection-batch"),
        help: "The most events one projector transaction applies, 1 to 100000 (env NPS_PROJECTION_BATCH).")
    var batchSize: Int =
        EnvironmentSettings.value("NPS_PROJECTION_BATCH").flatMap { Int($0) } ?? ProjectorConfiguration.defaultBatchSize

    func configuration() throws -> ProjectorConfiguration {
        guard (1...ProjectorConfiguration.batchSizeLimit).contains(batchSize) else {
            throw ValidationError("the projection batch must be 1 to \(ProjectorConfiguration.batchSizeLimit) events")
        }
        // A read model at another version is rebuilt with the owner role (MIGRATE_DATABASE_URL, else DATABASE_URL).
        return ProjectorConfiguration(batchSize: batchSize, rebuildOwner: try? EnvironmentSettings.migrateDatabaseURL())
    }
}
