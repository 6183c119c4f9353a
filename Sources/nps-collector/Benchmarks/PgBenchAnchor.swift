import ArgumentParser
import EventStore
import Foundation

/// `pgbench` on the benchmark's own cluster, in the same run: the anchor the
/// request rates are divided by, since this machine's absolute rates vary
/// from one hour to the next. Its tables go into the scratch database (which
/// is dropped afterwards), created by `pgbench -i` at scale 1.
struct PgBenchAnchor {
    enum Mode: String {
        /// `-N`: the simple-update script (three writes and a read in a committed transaction).
        case simpleUpdate = "-N"
        /// `-S`: the select-only script (one primary-key read).
        case selectOnly = "-S"
    }

    let database: DatabaseURL

    /// Creates pgbench's tables (scale 1), once before `transactionsPerSecond`.
    func initialize() async throws {
        _ = try await run(["-i", "-q", "-s", "1"])
    }

    /// Transactions per second of `pgbench <mode> -c clients -j 2 -T seconds`, without connection time.
    func transactionsPerSecond(_ mode: Mode, clients: Int, seconds: Int) async throws -> Double {
        let output = try await run([mode.rawValue, "-c", String(clients), "-j", "2", "-T", String(seconds), "-n"])
        // "tps = 3039.123456 (without initial connection time)"
        for line in output.split(separator: "\n") where line.hasPrefix("tps = ") {
            if let figure = line.dropFirst(6).split(separator: " ").first.flatMap({ Double($0) }) { return figure }
        }
        throw ValidationError("pgbench printed no tps line: \(output.suffix(300))")
    }

    private func run(_ arguments: [String]) async throws -> String {
        try await ChildProcess.outputOffPool(of: try Self.executable(), arguments + [database.connectionString])
    }

    /// `pgbench` from PATH, else from Debian's PostgreSQL server package.
    static func executable() throws -> String {
        let debian = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).sorted()
            .reversed().map { "/usr/lib/postgresql/\($0)/bin" }
        guard let found = ChildProcess.find("pgbench", alsoIn: debian) else {
            throw ValidationError("pgbench not found (Debian: postgresql-15's package has it)")
        }
        return found
    }
}
