import Foundation
import PostgresNIO

/// A `postgres://user:password@host:port/database?sslmode=...` address.
public struct DatabaseURL: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var sslMode: String

    public init(_ text: String) throws {
        guard let components = URLComponents(string: text),
            components.scheme == "postgres" || components.scheme == "postgresql",
            let host = components.host, !host.isEmpty,
            let username = components.user, !username.isEmpty
        else {
            throw DatabaseURLError(
                reason: "expected postgres://USER:PASSWORD@HOST:PORT/DATABASE (the address itself is not shown)"
            )
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = username.removingPercentEncoding ?? username
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = path.isEmpty ? self.username : path
        self.sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
    }

    /// The same server and credentials, another database.
    public func with(database: String) -> DatabaseURL {
        var copy = self
        copy.database = database
        return copy
    }

    public func clientConfiguration(maximumConnections: Int = 20) throws -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: throw DatabaseURLError(reason: "unknown sslmode \(sslMode)")
        }
        var configuration = PostgresClient.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: tls
        )
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        // Every statement of the collector is short or bounded (a batch, a page,
        // a campaign's workspaces), and PostgreSQL's JIT compiles one whose
        // estimated cost is high: at 100,000 workspaces it spent 0.3 of the
        // workspace page's 1.1 s compiling. The folds state it too (project_votes).
        configuration.options.additionalStartupParameters = [("jit", "off")]
        return configuration
    }

    /// Safe to log: the password is never shown.
    public var description: String {
        "postgres://\(username)@\(host):\(port)/\(database)"
    }

    /// The URL as DATABASE_URL takes it, password included: for the
    /// environment of a child process, never for a log.
    public var connectionString: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = username
        components.password = password
        components.host = host
        components.port = port
        components.path = "/" + database
        components.queryItems = [URLQueryItem(name: "sslmode", value: sslMode)]
        return components.string ?? ""
    }
}

public struct DatabaseURLError: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { "invalid database URL: \(reason)" }
}
