import EventStore
import Foundation

extension DatabaseURL {
    /// The URL as DATABASE_URL takes it, password included (`description` leaves it out).
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
