import ArgumentParser
import CollectorServer
import EventStore
import Foundation
import Ingest
import Logging
import Synchronization

/// Settings read from the environment. Database URLs hold secrets, so they
/// come only from the environment, never from flags (which `ps` shows).
struct EnvironmentSettings {
    /// The setting from the environment, else from NPS_CONFIG_FILE.
    static func value(_ name: String) -> String? {
        // The list of settings is what the configuration file accepts and the
        // README documents: a setting read here must be on it.
        precondition(ConfigurationFile.settings.contains(name), "\(name) is not in ConfigurationFile.settings")
        if isFromEnvironment(name) { return ProcessInfo.processInfo.environment[name] }
        guard let value = file.withLock({ $0.values[name] }), !value.isEmpty else { return nil }
        return value
    }

    static func isFromEnvironment(_ name: String) -> Bool {
        ProcessInfo.processInfo.environment[name].map { !$0.isEmpty } ?? false
    }

    private static let file = Mutex(ConfigurationFile())

    /// Reads NPS_CONFIG_FILE, when set; called once, before the command line is parsed.
    static func loadConfigurationFile() throws {
        guard let path = ProcessInfo.processInfo.environment["NPS_CONFIG_FILE"], !path.isEmpty else { return }
        let loaded = try ConfigurationFile(contentsOf: path)
        file.withLock { $0 = loaded }
    }

    /// DATABASE_URL: the application role.
    static func databaseURL() throws -> DatabaseURL {
        guard let text = value("DATABASE_URL") else {
            throw ValidationError("DATABASE_URL is not set (./tools/run sets it for the embedded database)")
        }
        return try DatabaseURL(text)
    }

    /// MIGRATE_DATABASE_URL: the owner role; defaults to DATABASE_URL.
    static func migrateDatabaseURL() throws -> DatabaseURL {
        if let text = value("MIGRATE_DATABASE_URL") { return try DatabaseURL(text) }
        return try databaseURL()
    }

    /// QUERY_DATABASE_URL: where the query API and dashboard read (a streaming replica); nil for DATABASE_URL.
    static func queryDatabaseURL() throws -> DatabaseURL? {
        try value("QUERY_DATABASE_URL").map { try DatabaseURL($0) }
    }

    /// NPS_NOTICE_DAYS: how long before its start a campaign must be announced (default 21 days).
    static func noticePeriod() throws -> TimeInterval {
        guard let text = value("NPS_NOTICE_DAYS") else { return CampaignStore.defaultNoticePeriod }
        guard let days = Double(text), days >= 0 else {
            throw ValidationError("NPS_NOTICE_DAYS must be a number of days")
        }
        return days * 86_400
    }

    /// NPS_STATISTICS_RETENTION_DAYS: how long raw statistics documents are kept, 1-3650 days (default 30).
    static func statisticsRetention() throws -> TimeInterval {
        guard let text = value("NPS_STATISTICS_RETENTION_DAYS") else {
            return TimeInterval(StatisticsDocuments.defaultRetentionDays * 86_400)
        }
        guard let days = Int(text), (1...3_650).contains(days) else {
            throw ValidationError("NPS_STATISTICS_RETENTION_DAYS must be a whole number of days from 1 to 3650")
        }
        return TimeInterval(days * 86_400)
    }

    /// NPS_METRICS_TOKEN: the bearer token `/metrics` requires, at least 32 characters; nil when unset.
    static func metricsToken() throws -> String? {
        guard let token = value("NPS_METRICS_TOKEN") else { return nil }
        guard token.count >= 32, !token.contains(where: \.isWhitespace) else {
            throw ValidationError("NPS_METRICS_TOKEN must be at least 32 characters, without spaces")
        }
        return token
    }

    /// Runs `body` with the services of the collector on DATABASE_URL (the application role).
    static func withServices<Result: Sendable>(
        _ label: String,
        _ body: (CollectorServices) async throws -> Result
    ) async throws -> Result {
        let logger = logger(label)
        let noticePeriod = try noticePeriod()
        return try await withPostgresClient(try databaseURL(), maximumConnections: 2, logger: logger) { client in
            try await body(CollectorServices(database: client, logger: logger, noticePeriod: noticePeriod))
        }
    }

    /// A logger at LOG_LEVEL (default info), writing to standard error.
    static func logger(_ label: String) -> Logger {
        LoggingBootstrap.once
        var logger = Logger(label: label)
        logger.logLevel = value("LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info
        return logger
    }
}

private enum LoggingBootstrap {
    static let once: Void = LoggingSystem.bootstrap(DeferredMetadataLogHandler.standardError)
}
