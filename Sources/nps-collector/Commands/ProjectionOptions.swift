import ArgumentParser
import Projections

/// The projector settings `serve` and `project` share.
struct ProjectionOptions: ParsableArguments {
    @Option(
        name: .customLong("projection-batch"),
        help: "The most events one projector transaction applies, 1 to 100000 (env NPS_PROJECTION_BATCH).")
    var batchSize: Int =
        EnvironmentSettings.value("NPS_PROJECTION_BATCH").flatMap { Int($0) } ?? ProjectorConfiguration.defaultBatchSize

    @Option(
        name: .customLong("projection-catch-up-batch"),
        help: """
            The most events one projector transaction applies while behind the log, 1 to 10000000, \
            at least --projection-batch (env NPS_PROJECTION_CATCH_UP_BATCH).
            """)
    var catchUpBatchSize: Int =
        EnvironmentSettings.value("NPS_PROJECTION_CATCH_UP_BATCH").flatMap { Int($0) }
        ?? ProjectorConfiguration.defaultCatchUpBatchSize

    @Option(
        name: .customLong("rebuild-batch"),
        help: """
            The most events one transaction of a rebuild (replay, background upgrade) folds into its shadow \
            while behind, 1 to 10000000, at least --projection-batch (env NPS_REBUILD_BATCH).
            """)
    var rebuildBatchSize: Int =
        EnvironmentSettings.value("NPS_REBUILD_BATCH").flatMap { Int($0) }
        ?? ProjectorConfiguration.defaultRebuildBatchSize

    func configuration() throws -> ProjectorConfiguration {
        guard (1...ProjectorConfiguration.batchSizeLimit).contains(batchSize) else {
            throw ValidationError("the projection batch must be 1 to \(ProjectorConfiguration.batchSizeLimit) events")
        }
        guard (1...ProjectorConfiguration.catchUpBatchSizeLimit).contains(catchUpBatchSize) else {
            throw ValidationError(
                "the projection catch-up batch must be 1 to \(ProjectorConfiguration.catchUpBatchSizeLimit) events")
        }
        guard (1...ProjectorConfiguration.catchUpBatchSizeLimit).contains(rebuildBatchSize) else {
            throw ValidationError(
                "the rebuild batch must be 1 to \(ProjectorConfiguration.catchUpBatchSizeLimit) events")
        }
        // A read model at another version is rebuilt with the owner role (MIGRATE_DATABASE_URL, else DATABASE_URL).
        return ProjectorConfiguration(
            batchSize: batchSize, catchUpBatchSize: catchUpBatchSize, rebuildBatchSize: rebuildBatchSize,
            rebuildOwner: try? EnvironmentSettings.migrateDatabaseURL())
    }
}
