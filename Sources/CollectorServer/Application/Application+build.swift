import EventStore
import Hummingbird
import Logging
import PostgresNIO

public typealias CollectorRequestContext = BasicRequestContext

/// Builds the collector's HTTP application. The database client is run by the
/// application as one of its services, and closed after in-flight requests
/// have finished when the application shuts down.
public func buildApplication(
    configuration: ServerConfiguration,
    database: PostgresClient,
    logger: Logger
) -> some ApplicationProtocol {
    let router = buildRouter(database: database, logger: logger)
    var application = Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "nps-collector"
        ),
        logger: logger
    )
    application.addServices(database)
    return application
}

/// The routes, apart from the server, so tests can drive them directly.
public func buildRouter(database: PostgresClient, logger: Logger) -> Router<CollectorRequestContext> {
    let router = Router(context: CollectorRequestContext.self)
    HealthController(readiness: DatabaseReadiness(database: database, logger: logger))
        .register(on: router.group("health"))
    return router
}
