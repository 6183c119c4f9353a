import EventStore
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `nps-collector serve` as an operator runs it: a process of its own on a
/// free loopback port, as the application role, with the given arguments.
public struct ServeProcess: Sendable {
    public let child: ChildProcess
    public let port: Int
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    public static func start(
        databaseURL: DatabaseURL, port: Int? = nil, arguments: [String] = ["--no-projectors", "--skip-migrations"],
        environment: [String: String] = [:]
    ) throws -> ServeProcess {
        let port = try port ?? freeLoopbackPort()
        let child = try ChildProcess(
            executable: ChildProcess.collectorExecutable(),
            arguments: ["serve", "--port", String(port)] + arguments,
            environment: ["DATABASE_URL": databaseURL.connectionString, "LOG_LEVEL": "warning"].merging(environment) {
                $1
            }
        )
        return ServeProcess(child: child, port: port)
    }

    /// Waits until `/health/live` answers 200.
    public func waitUntilLive(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard child.isRunning else { throw TestDatabaseError("serve exited: \(child.outputTail())") }
            let request = URLRequest(url: baseURL.appending(path: "health/live"), timeoutInterval: 2)
            if let (_, response) = try? await URLSession.shared.data(for: request),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestDatabaseError("serve on port \(port) was not live within \(timeout): \(child.outputTail())")
    }
}

/// A loopback port nobody listens on now (the kernel's choice for port 0).
public func freeLoopbackPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw TestDatabaseError("socket() failed") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
        }
    }
    guard bound else { throw TestDatabaseError("could not bind a loopback port") }
    return Int(UInt16(bigEndian: address.sin_port))
}
