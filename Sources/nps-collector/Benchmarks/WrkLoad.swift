import ArgumentParser
import Foundation

/// `wrk` (Debian's package: C, one process of its own) loading one route, as
/// `pgbench` loads PostgreSQL in the anchor: both sides measured by an outside
/// client over loopback TCP, none of the collector's threads spent on the load.
struct WrkLoad {
    let executable: String

    /// nil when `wrk` is not installed.
    static func installed() -> WrkLoad? {
        ChildProcess.find("wrk").map(WrkLoad.init(executable:))
    }

    func run(
        port: Int, uri: String, authorization: String, connections: Int, seconds: Int
    ) async throws -> LoadFigures {
        let output = try await ChildProcess.outputOffPool(
            of: executable,
            [
                "-t", "2", "-c", String(connections), "-d", "\(seconds)s", "--latency",
                "-H", "Authorization: \(authorization)", "http://127.0.0.1:\(port)\(uri)",
            ])
        guard let figures = Self.figures(output) else {
            throw ValidationError("wrk printed no figures: \(output.suffix(300))")
        }
        return figures
    }

    /// The figures of wrk 4's report: `Requests/sec:`, the 50 % and 99 % lines of
    /// `--latency`'s distribution, `Non-2xx or 3xx responses:` and `Socket errors:`.
    static func figures(_ output: String) -> LoadFigures? {
        var rate: Double?
        var p50: Duration?
        var p99: Duration?
        var failures = 0
        for line in output.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "," })
            switch words.first {
            case "Requests/sec:": rate = words.dropFirst().first.flatMap { Double($0) }
            case "50%": p50 = words.dropFirst().first.flatMap(duration)
            case "99%": p99 = words.dropFirst().first.flatMap(duration)
            case "Non-2xx": failures += words.last.flatMap { Int($0) } ?? 0
            case "Socket":
                // "Socket errors: connect 0, read 0, write 0, timeout 0"
                failures += words.compactMap { Int($0) }.reduce(0, +)
            default: break
            }
        }
        guard let rate, let p50, let p99 else { return nil }
        return LoadFigures(requestsPerSecond: rate, p50: p50, p99: p99, failures: failures)
    }

    /// "812.00us", "1.76ms", "2.01s" as wrk prints them.
    static func duration(_ text: Substring) -> Duration? {
        for (unit, seconds) in [("us", 1e-6), ("ms", 1e-3), ("s", 1.0)] where text.hasSuffix(unit) {
            guard let value = Double(text.dropLast(unit.count)) else { return nil }
            return .nanoseconds(Int64(value * seconds * 1e9))
        }
        return nil
    }
}

/// What a load generator measured of one route.
struct LoadFigures {
    var requestsPerSecond: Double
    var p50: Duration
    var p99: Duration
    /// Answers other than 2xx or 3xx, and socket errors.
    var failures: Int
}
