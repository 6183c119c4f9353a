import Foundation
import NIOCore
import NIOHTTP1
import NPSDomain

/// The collector a simulation talks to: where, and the admin token that
/// registers workspaces, announces campaigns and moves the simulated clock.
public struct CollectorTarget: Sendable {
    public var host: String
    public var port: Int
    public var adminToken: String

    /// `http://host[:port]`; plain HTTP only (TLS belongs to the proxy in front).
    public init(url: String, adminToken: String) throws(SimulationError) {
        guard let components = URLComponents(string: url), components.scheme == "http",
            let host = components.host, !host.isEmpty
        else { throw .badURL(url) }
        self.host = host
        port = components.port ?? 80
        self.adminToken = adminToken
    }

    /// Sends `request` with the right token and returns the answer.
    func send(
        _ request: SimulatedRequest, token: String,
        through send: (HTTPMethod, String, HTTPHeaders, ByteBuffer?) async throws -> HTTPConnection.Answer
    ) async throws -> HTTPConnection.Answer {
        var headers = HTTPHeaders([("Authorization", "Bearer \(token)")])
        if let contentType = request.contentType { headers.add(name: "Content-Type", value: contentType) }
        return try await send(
            HTTPMethod(rawValue: request.method), request.path, headers,
            request.body.isEmpty && request.method == "GET" ? nil : ByteBuffer(bytes: request.body))
    }

    /// One JSON GET with the admin token (the clock, the query API).
    public func get(_ path: String) async throws -> (status: Int, body: JSONValue?) {
        try await exchange(.GET, path, body: nil)
    }

    /// One JSON POST with the admin token.
    public func post(_ path: String, json: String) async throws -> (status: Int, body: JSONValue?) {
        try await exchange(.POST, path, body: ByteBuffer(string: json))
    }

    private func exchange(
        _ method: HTTPMethod, _ path: String, body: ByteBuffer?
    ) async throws -> (
        status: Int, body: JSONValue?
    ) {
        try await HTTPConnection.withConnection(host: host, port: port) { send in
            var headers = HTTPHeaders([("Authorization", "Bearer \(adminToken)")])
            if body != nil { headers.add(name: "Content-Type", value: "application/json") }
            let answer = try await send(method, path, headers, body)
            return (Int(answer.status.code), try? JSONValue.parse(Array(answer.body.readableBytesView)))
        }
    }

    /// The collector's clock: when it is simulated, the simulation can run.
    public func clock() async throws -> Date {
        let (status, body) = try await get("/api/v1/clock")
        guard status == 200, let body, let now = body["now"]?.stringValue.flatMap(EventJSON.parseTimestamp) else {
            throw SimulationError.collector("GET /api/v1/clock answered \(status): is the admin token right?")
        }
        guard body["simulated"] == .bool(true) else { throw SimulationError.systemClock }
        return now
    }
}

public enum SimulationError: Error, CustomStringConvertible {
    case badURL(String)
    case systemClock
    case collector(String)

    public var description: String {
        switch self {
        case .badURL(let url): "--url \(url): expected http://host[:port]"
        case .systemClock:
            "the collector runs on the system clock; start it with NPS_SIMULATED_CLOCK=on (serve --simulated-clock)"
        case .collector(let detail): detail
        }
    }
}
