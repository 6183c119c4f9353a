import EventStore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `nps-collector serve` in a process of its own on a test database, as an
/// operator runs it, for what needs a real socket or a process of its own
/// to measure (a browser, peak memory).
public struct ServerProcess: Sendable {
    public let process: ChildProcess
    public let port: Int

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts the server without projectors (on `port`, or a free one) and
    /// waits until it is ready.
    public static func start(
        _ database: TestDatabase, port: Int? = nil, environment: [String: String] = [:]
    ) async throws
        -> ServerProcess
    {
        let port = try port ?? freePort()
        var settings = [
            "DATABASE_URL": database.appURL.connectionString,
            "MIGRATE_DATABASE_URL": database.ownerURL.connectionString,
            "NPS_PROJECTORS": "off", "LOG_LEVEL": "warning",
        ]
        settings.merge(environment) { _, given in given }
        let process = try ChildProcess(
            executable: ChildProcess.collectorExecutable(),
            arguments: ["serve", "--port", String(port)],
            environment: settings
        )
        let server = ServerProcess(process: process, port: port)
        let deadline = ContinuousClock.now + .seconds(180)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw TestDatabaseError("the server ended:\n\(process.outputTail())") }
            if (try? await Curl.status("\(server.baseURL)/health/ready")) == 200 { return server }
            try await Task.sleep(for: .milliseconds(200))
        }
        process.stop()
        throw TestDatabaseError("the server did not become ready:\n\(process.outputTail())")
    }

    /// The server's peak and current resident memory in bytes (VmHWM, VmRSS).
    public func memory() throws -> (peak: Int, resident: Int) {
        let status = try String(contentsOfFile: "/proc/\(process.pid)/status", encoding: .utf8)
        func kilobytes(_ field: String) -> Int {
            let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
            return Int(line.split(separator: " ").dropFirst().first { !$0.isEmpty } ?? "") ?? 0
        }
        return (kilobytes("VmHWM") * 1_024, kilobytes("VmRSS") * 1_024)
    }

    public func stop() {
        process.kill(SIGTERM)
        if process.isRunning { process.stop() }
        process.removeLog()
    }

    /// A loopback port nothing listens on now (the kernel's pick).
    public static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw TestDatabaseError("socket() failed") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(socket, generic, length) == 0 && getsockname(socket, generic, &length) == 0
            }
        }
        guard bound else { throw TestDatabaseError("could not find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// HTTP through the `curl` command, for tests that talk to a server process.
public enum Curl {
    /// GETs `url` into `file` (or discards the body) and returns the status.
    /// The token goes in a header file, not on the command line, where `ps` shows it.
    @discardableResult
    public static func status(_ url: String, token: String? = nil, into file: URL? = nil) async throws -> Int {
        var arguments = ["-s", "-o", file?.path() ?? "/dev/null", "-w", "%{http_code}", "--max-time", "600"]
        var headerFile: URL?
        if let token {
            let headers = FileManager.default.temporaryDirectory.appending(path: "nps-curl-\(UUID().uuidString)")
            try "Authorization: Bearer \(token)\n".write(to: headers, atomically: true, encoding: .utf8)
            arguments += ["-H", "@" + headers.path()]
            headerFile = headers
        }
        defer { headerFile.map { try? FileManager.default.removeItem(at: $0) } }
        let curl = try ChildProcess(executable: "/usr/bin/curl", arguments: arguments + [url])
        defer { curl.removeLog() }
        guard try await curl.exitCode(within: .seconds(600)) == 0 else {
            throw TestDatabaseError("curl \(url) failed: \(curl.output())")
        }
        return Int(curl.output().trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Sends `body` (JSON) with `method` and returns the status and the answer's body.
    /// `maxTime` bounds the whole exchange in seconds, so a server killed
    /// mid-request ends it with curl's error rather than a wait.
    public static func send(
        _ method: String, _ url: String, token: String? = nil, body: String? = nil, maxTime: Int = 600
    ) async throws -> (status: Int, body: String) {
        let scratch = FileManager.default.temporaryDirectory.appending(path: "nps-curl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let answer = scratch.appending(path: "answer")
        var arguments = ["-s", "-X", method, "-o", answer.path(), "-w", "%{http_code}", "--max-time", String(maxTime)]
        var headers = "Content-Type: application/json\n"
        if let token { headers += "Authorization: Bearer \(token)\n" }
        try headers.write(to: scratch.appending(path: "headers"), atomically: true, encoding: .utf8)
        arguments += ["-H", "@" + scratch.appending(path: "headers").path()]
        if let body {
            try body.write(to: scratch.appending(path: "body"), atomically: true, encoding: .utf8)
            arguments += ["--data-binary", "@" + scratch.appending(path: "body").path()]
        }
        let curl = try ChildProcess(executable: "/usr/bin/curl", arguments: arguments + [url])
        defer { curl.removeLog() }
        guard try await curl.exitCode(within: .seconds(600)) == 0 else {
            throw TestDatabaseError("curl -X \(method) \(url) failed: \(curl.output())")
        }
        let status = Int(curl.output().trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        return (status, (try? String(contentsOf: answer, encoding: .utf8)) ?? "")
    }
}
