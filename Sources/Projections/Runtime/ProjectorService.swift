import EventStore
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle

/// Runs a projector for each projection, and the LISTEN connection that
/// wakes them, until graceful shutdown (SIGTERM, SIGINT): then each finishes
/// the batch it is applying and returns.
public struct ProjectorService: Service {
    public let client: PostgresClient
    public let projections: [any Projection]
    public let configuration: ProjectorConfiguration
    public let logger: Logger

    public init(
        client: PostgresClient,
        projections: [any Projection] = ProjectionCatalog.all,
        configuration: ProjectorConfiguration = ProjectorConfiguration(),
        logger: Logger
    ) {
        self.client = client
        self.projections = projections
        self.configuration = configuration
        self.logger = logger
    }

    /// The projectors of each read model start once its stored version is
    /// this binary's; one that is not is rebuilt first (`ReadModelUpgrade`)
    /// while the others run.
    public func run() async throws {
        let notifications = AppendNotifications(logger: logger)
        let upgrade = ReadModelUpgrade(client: client, configuration: configuration, logger: logger)
        let readModels = projections.reduce(into: [String]()) { names, projection in
            if !names.contains(projection.readModel) { names.append(projection.readModel) }
        }
        // Logged from inside the service group, which traps SIGTERM before it starts any service: a
        // script that signals on this line gets a clean stop, not the default action's exit 143.
        logger.info(
            "projecting", metadata: ["projections": "\(projections.map(\.name))", "owner": "\(configuration.owner)"])
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await notifications.listen(using: client, leaseTimeout: configuration.leaseTimeout) }
                for readModel in readModels {
                    let projectors = projections.filter { $0.readModel == readModel }.map { projection in
                        Projector(projection: projection, client: client, configuration: configuration, logger: logger)
                    }
                    group.addTask {
                        guard await upgrade.untilCurrent(readModel) else { return }
                        await withDiscardingTaskGroup { group in
                            for projector in projectors {
                                group.addTask { await projector.run(notifications: notifications) }
                            }
                        }
                    }
                }
            }
        }
        logger.info("projectors stopped")
    }
}

/// Exports each projection's lag, read from the database every `interval`
/// whoever owns the projections, so that any collector's `/metrics` shows it;
/// and whether that read reached the database (`nps_database_up`).
public struct ProjectionLagReporter: Service {
    public let store: ProjectionStore
    public let interval: Duration

    public init(store: ProjectionStore, interval: Duration = .seconds(5)) {
        self.store = store
        self.interval = interval
    }

    public func run() async throws {
        let databaseUp = Gauge(label: "nps_database_up")
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let statuses = try await store.status()
                    databaseUp.record(1)
                    for status in statuses {
                        let dimensions = [("projection", status.name)]
                        Gauge(label: "nps_projection_lag_events", dimensions: dimensions).record(status.lag.events)
                        Gauge(label: "nps_projection_lag_seconds", dimensions: dimensions).record(status.lag.seconds)
                        Gauge(label: "nps_projection_halted", dimensions: dimensions)
                            .record(status.state == .halted ? 1 : 0)
                    }
                } catch {
                    databaseUp.record(0)
                    store.logger.warning(
                        "could not read projection lag", metadata: ["error": "\(ProjectionFailure.describe(error))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
