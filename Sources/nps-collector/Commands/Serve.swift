import ArgumentParser
import CollectorServer
import EventStore
import Foundation
import Hummingbird
import Logging
import Metrics
import NPSDomain
import PostgresNIO
import Projections
import Prometheus

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply migrations and serve HTTP until SIGTERM or SIGINT."
    )

    @Option(help: "Address to listen on (env NPS_HOST).")
    var host: String = EnvironmentSettings.value("NPS_HOST") ?? "127.0.0.1"

    @Option(help: "Port to listen on (env NPS_PORT).")
    var port: Int = EnvironmentSettings.value("NPS_PORT").flatMap { Int($0) } ?? 8080

    @Option(help: "Connections in the database pool (env DATABASE_POOL_SIZE).")
    var poolSize: Int = EnvironmentSettings.value("DATABASE_POOL_SIZE").flatMap { Int($0) } ?? 20

    @Flag(help: "Do not apply migrations at start-up; refuse to be ready until they are.")
    var skipMigrations = false

    @Flag(
        inversion: .prefixedNo,
        help: "Run the projectors in this process (env NPS_PROJECTORS=off turns them off).")
    var projectors = EnvironmentSettings.value("NPS_PROJECTORS") != "off"

    @Option(
        help: "Smallest group whose scores and comments the query API shows, 1-1000 (env NPS_PRIVACY_K).")
    var privacyThreshold: Int =
        EnvironmentSettings.value("NPS_PRIVACY_K").flatMap { Int($0) } ?? PrivacyThreshold.defaultK

    @Option(
        help: """
            When a campaign's figures are published: live (with every vote) or closed (counts only until the \
            campaign is closed, against differencing over time) (env NPS_PRIVACY_RELEASE).
            """)
    var privacyRelease: String = EnvironmentSettings.value("NPS_PRIVACY_RELEASE") ?? PublicationPolicy.live.rawValue

    @Flag(
        inversion: .prefixedNo,
        help: """
            Run on a simulated clock that starts at the real time and that POST /api/v1/clock moves forward, \
            for `simulate` and demos; never in production (env NPS_SIMULATED_CLOCK=on).
            """)
    var simulatedClock = EnvironmentSettings.value("NPS_SIMULATED_CLOCK") == "on"

    @Option(help: "Landing-page answers (POSTs) per minute per client, 1-10000 (env NPS_LANDING_RATE).")
    var landingRate: Int =
        EnvironmentSettings.value("NPS_LANDING_RATE").flatMap { Int($0) } ?? LandingSettings.defaultPostsPerMinute

    @Option(
        help:
            """
            Comma-separated reverse-proxy addresses or networks (10.244.0.0/16) whose X-Forwarded-For names the \
            client (env NPS_TRUSTED_PROXIES).
            """
    )
    var trustedProxies: String = EnvironmentSettings.value("NPS_TRUSTED_PROXIES") ?? ""

    @Option(
        help: """
            Seconds a request waits for a pooled database connection before it answers 503 with Retry-After, \
            1-120 (env NPS_DB_CONNECTION_WAIT).
            """)
    var dbConnectionWait: Int =
        EnvironmentSettings.value("NPS_DB_CONNECTION_WAIT").flatMap { Int($0) }
        ?? Int(ConnectionWait.defaultLimit.components.seconds)

    @OptionGroup var projection: ProjectionOptions

    func validate() throws {
        guard (1...1_000).contains(privacyThreshold) else {
            throw ValidationError("--privacy-threshold (NPS_PRIVACY_K) must be from 1 to 1000")
        }
        guard PublicationPolicy(rawValue: privacyRelease) != nil else {
            throw ValidationError("--privacy-release (NPS_PRIVACY_RELEASE) must be live or closed")
        }
        guard (1...10_000).contains(landingRate) else {
            throw ValidationError("--landing-rate (NPS_LANDING_RATE) must be from 1 to 10000")
        }
        guard (1...120).contains(dbConnectionWait) else {
            throw ValidationError("--db-connection-wait (NPS_DB_CONNECTION_WAIT) must be from 1 to 120 seconds")
        }
        do { _ = try TrustedProxies(parsing: trustedProxies) } catch { throw ValidationError("\(error)") }
    }

    func run() async throws {
        let logger = EnvironmentSettings.logger("nps-collector")
        let databaseURL = try EnvironmentSettings.databaseURL()
        if !skipMigrations {
            let migrateURL = try EnvironmentSettings.migrateDatabaseURL()
            try await withPostgresClient(migrateURL, maximumConnections: 1, logger: logger) { client in
                try await MigrationRunner(logger: logger).migrate(client)
            }
        }
        let database = PostgresClient(
            configuration: try databaseURL.clientConfiguration(maximumConnections: poolSize),
            backgroundLogger: logger
        )
        // Reads of the query API and dashboard go to a replica when one is
        // given; ingest, tokens and projectors stay on the primary.
        let queryDatabaseURL = try EnvironmentSettings.queryDatabaseURL()
        let queryDatabase = try queryDatabaseURL.map { url in
            PostgresClient(
                configuration: try url.clientConfiguration(maximumConnections: poolSize), backgroundLogger: logger)
        }
        let metricsToken = try EnvironmentSettings.metricsToken()
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let application = buildApplication(
            configuration: ServerConfiguration(
                host: host,
                port: port,
                noticePeriod: try EnvironmentSettings.noticePeriod(),
                projectors: projectors ? try projection.configuration() : nil,
                privacy: PrivacyThreshold(k: privacyThreshold),
                publication: PublicationPolicy(rawValue: privacyRelease) ?? .live,
                clock: simulatedClock ? SimulatedClock() : SystemClock(),
                landing: LandingSettings(
                    postsPerMinute: landingRate,
                    trustedProxies: try TrustedProxies(parsing: trustedProxies)),
                statisticsRetention: try EnvironmentSettings.statisticsRetention(),
                metricsToken: metricsToken,
                connectionWait: .seconds(dbConnectionWait)
            ),
            database: database,
            queryClient: queryDatabase,
            metrics: registry,
            logger: logger
        )
        if metricsToken == nil {
            logger.warning("/metrics is open to anyone who reaches this port: set NPS_METRICS_TOKEN")
        }
        if simulatedClock {
            logger.warning("simulated clock: POST /api/v1/clock moves this collector's time; not for production")
        }
        logger.info(
            "serving",
            metadata: [
                "address": "\(host):\(port)", "database": "\(databaseURL)",
                "queryDatabase": "\(queryDatabaseURL ?? databaseURL)",
            ])
        try await application.runService()
    }
}
