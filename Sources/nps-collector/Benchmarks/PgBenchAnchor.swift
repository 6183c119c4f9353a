import ArgumentParser
import EventStore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

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

    /// Transactions per second of `pgbench <mode> -c clients -j 2 -T seconds`, without connection time.
    func transactionsPerSecond(_ mode: Mode, clients: Int, seconds: Int) throws -> Double {
        _ = try run(["-i", "-q", "-s", "1"])
        let output = try run([mode.rawValue, "-c", String(clients), "-j", "2", "-T", String(seconds), "-n"])
        // "tps = 3039.123456 (without initial connection time)"
        for line in output.split(separator: "\n") where line.hasPrefix("tps = ") {
            if let figure = line.dropFirst(6).split(separator: " ").first.flatMap({ Double($0) }) { return figure }
        }
        throw ValidationError("pgbench printed no tps line: \(output.suffix(300))")
    }

    /// Runs pgbench with its output in a scratch file. Spawned with every signal unblocked and
    /// at its default: a thread of this process blocks them, and pgbench's `-T` ends on SIGALRM.
    private func run(_ arguments: [String]) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("nps-pgbench-\(getpid()).txt")
        defer { try? FileManager.default.removeItem(at: output) }
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fileActions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&fileActions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let executable = try Self.executable()
        let argv = ([executable] + arguments + [database.connectionString]).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &fileActions, &attributes, argv, environ)
        guard spawned == 0 else {
            throw ValidationError("pgbench did not start: \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw ValidationError("pgbench \(arguments.joined(separator: " ")) failed: \(text.suffix(300))")
        }
        return text
    }

    /// `pgbench` from PATH, else from Debian's PostgreSQL server package.
    static func executable() throws -> String {
        let directories =
            (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).sorted().reversed()
            .map { "/usr/lib/postgresql/\($0)/bin" }
        for directory in directories where FileManager.default.isExecutableFile(atPath: "\(directory)/pgbench") {
            return "\(directory)/pgbench"
        }
        throw ValidationError("pgbench not found (Debian: postgresql-15's package has it)")
    }
}
