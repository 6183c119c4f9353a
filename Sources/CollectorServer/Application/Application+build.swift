import EventStore
import Foundation
import Hummingbird
import Ingest
import Logging
import NPSDomain
import PostgresNIO
import Projections
import Prometheus

/// Everything the routes need, built once from the database client.
public struct CollectorServices: Sendable {
    public var log: EventLog
    public var tokens: TokenStore
    public var campaigns: CampaignStore
    public var workspaces: WorkspaceService
    public var results: ResultsIngest
    public var statistics: StatisticsIngest
    public var quarantine: QuarantineStore
    public var projections: ProjectionStore
    public var landing: LandingPageIngest

    public init(
        database: PostgresClient,
        logger: Logger,
        noticePeriod: TimeInterval = CampaignStore.defaultNoticePeriod,
        clock: any CollectorClock = SystemClock(),
        changes: ChangeNotifications? = nil
    ) {
        let log = EventLog(client: database, logger: logger, clock: clock)
        let tokens = TokenStore(client: database, logger: logger, changes: changes)
        let campaigns = CampaignStore(log: log, noticePeriod: noticePeriod, changes: changes)
        let workspaces = WorkspaceService(log: log, campaigns: campaigns, tokens: tokens)
        self.log = log
        self.tokens = tokens
        self.campaigns = campaigns
        self.workspaces = workspaces
        self.results = ResultsIngest(client: database, campaigns: campaigns, logger: logger)
        self.statistics = StatisticsIngest(
            log: log, workspaces: workspaces, documents: StatisticsDocuments(client: database, logger: logger))
        self.quarantine = QuarantineStore(client: database, campaigns: campaigns, logger: logger)
        self.projections = ProjectionStore(client: database, logger: logger)
        self.landing = LandingPageIngest(log: log)
    }
}

/// Builds the collector's HTTP application. The database client, the
/// projectors (unless turned off) and the lag reporter run as the
/// application's services; on SIGTERM or SIGINT the projectors finish their
/// batch, and the client closes after in-flight requests have finished.
///
/// `queryClient` serves the query API and the dashboard (read models only);
/// it is `database` unless given, and is the one place to plug in a replica.
public func buildApplication(
    configuration: ServerConfiguration,
    database: PostgresClient,
    queryClient: PostgresClient? = nil,
    metrics: PrometheusCollectorRegistry,
    logger: Logger
) -> some ApplicationProtocol {
    let changes = ChangeNotifications(logger: logger)
    var application = Application(
        router: buildRouter(
            database: database,
            queryClient: queryClient,
            logger: logger,
            metrics: metrics,
            noticePeriod: configuration.noticePeriod,
            privacy: configuration.privacy,
            publication: configuration.publication,
            clock: configuration.clock,
            landing: configuration.landing,
            metricsToken: configuration.metricsToken,
            connectionWait: configuration.connectionWait,
            changes: changes
        ),
        server: .collector(),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "nps-collector"
        ),
        logger: logger
    )
    application.addServices(database)
    application.addServices(ChangeListenerService(changes: changes, client: database))
    if let queryClient, queryClient !== database { application.addServices(queryClient) }
    if let projectors = configuration.projectors {
        application.addServices(ProjectorService(client: database, configuration: projectors, logger: logger))
    }
    application.addServices(ProjectionLagReporter(store: ProjectionStore(client: database, logger: logger)))
    application.addServices(
        StatisticsRetentionService(
            documents: StatisticsDocuments(client: database, logger: logger),
            retention: configuration.statisticsRetention, clock: configuration.clock, logger: logger))
    return application
}

/// The routes and middleware, apart from the server, so tests drive them directly.
/// Without `changes` (a listener the caller runs) every token and campaign is
/// read from the database on every request.
public func buildRouter(
    database: PostgresClient,
    queryClient: PostgresClient? = nil,
    logger: Logger,
    metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
    noticePeriod: TimeInterval = CampaignStore.defaultNoticePeriod,
    privacy: PrivacyThreshold = PrivacyThreshold(),
    publication: PublicationPolicy = .live,
    clock: any CollectorClock = SystemClock(),
    landing: LandingSettings = LandingSettings(),
    metricsToken: String? = nil,
    connectionWait: Duration = ConnectionWait.defaultLimit,
    changes: ChangeNotifications? = nil
) -> Router<CollectorRequestContext> {
    let services = CollectorServices(
        database: database, logger: logger, noticePeriod: noticePeriod, clock: clock, changes: changes)
    let router = Router(context: CollectorRequestContext.self)
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: RequestMetricsMiddleware())
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: ConnectionWaitMiddleware(limit: connectionWait))

    HealthController(readiness: DatabaseReadiness(database: database, logger: logger))
        .register(on: router.group("health"))
    MetricsController(registry: metrics, token: metricsToken).register(on: router)

    let authenticated = router.group().add(middleware: AuthenticationMiddleware(tokens: services.tokens))
    StatisticsController(
        statistics: services.statistics,
        unverifiedLimits: UnverifiedStatisticsLimits(trustedProxies: landing.trustedProxies, clock: landing.clock)
    ).register(on: authenticated)

    let workspace = authenticated.group().add(middleware: RequireScope(.workspace))
    WorkspaceSyncController(workspaces: services.workspaces).register(on: workspace)
    SurveyController(workspaces: services.workspaces).register(on: workspace)
    let ingestMetrics = IngestMetrics()
    ResultsController(results: services.results, metrics: ingestMetrics).register(on: workspace)

    let admin = authenticated.group("api/v1").add(middleware: RequireScope(.admin))
    AdminController(
        campaigns: services.campaigns,
        workspaces: services.workspaces,
        tokens: services.tokens,
        quarantine: services.quarantine,
        landing: services.landing
    ).register(on: admin)
    ClockController(clock: clock).register(on: admin)

    let readers = authenticated.group("api/v1").add(middleware: RequireScope(.analyst, .admin))
    ProjectionsController(projections: services.projections).register(on: readers)
    // A replica cannot LISTEN, and its read models lag the primary's notifications:
    // with one, the version is read for every request.
    let readsPrimary = queryClient.map { $0 === database } ?? true
    let reader = ReadModelReader(
        client: queryClient ?? database, threshold: privacy, policy: publication, clock: clock,
        changes: readsPrimary ? changes : nil, logger: logger)
    CampaignsController(reader: reader).register(on: readers)
    BreakdownController(reader: reader).register(on: readers)
    ExportsController(reader: reader).register(on: readers)
    let comparison = ComparisonController(reader: reader)
    comparison.register(on: readers)
    WorkspaceDirectoryController(reader: reader, comparison: comparison).register(on: readers)

    DashboardController(
        reader: reader, tokens: services.tokens,
        sessions: DashboardSessionStore(client: database, clock: clock, logger: logger),
        trustedProxies: landing.trustedProxies
    ).register(on: router)
    LandingPageController(
        campaigns: services.campaigns, landing: services.landing,
        limiter: RateLimiter(perMinute: landing.postsPerMinute, clock: landing.clock),
        trustedProxies: landing.trustedProxies, metrics: ingestMetrics
    ).register(on: router)
    return router
}
