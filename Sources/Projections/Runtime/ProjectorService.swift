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

    public func run() async throws {
        let notifications = AppendNotifications(logger: logger)
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await notifications.listen(using: client, leaseTimeout: configuration.leaseTimeout) }
                for projection in projections {
                    let projector = Projector(
                        projection: projection, client: client, configuration: configuration, logger: logger)
                    group.addTask { await projector.run(notifications: notifications) }
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
