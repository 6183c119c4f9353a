import ArgumentParser
import Foundation
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// The programs the benchmarks measure against (`pgbench`, `wrk`), run to
/// completion with their output in a scratch file.
enum ChildProcess {
    /// What `executable` printed (standard output and error), or a `ValidationError` when it failed.
    /// Spawned with every signal unblocked and at its default: a thread of this process blocks
    /// them, and `pgbench -T` ends on SIGALRM.
    static func output(of executable: String, _ arguments: [String]) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent(
            "nps-child-\(getpid())-\(UUID().uuidString).txt")
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

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &fileActions, &attributes, argv, environ)
        guard spawned == 0 else {
            throw ValidationError("\(executable) did not start: \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw ValidationError("\(executable) \(arguments.first ?? "") failed: \(text.suffix(300))")
        }
        return text
    }

    /// `output(of:_:)` on NIO's thread pool: the wait must not hold one of the
    /// few threads that run the collector's own tasks while it is measured.
    static func outputOffPool(of executable: String, _ arguments: [String]) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { try output(of: executable, arguments) }
    }

    /// `name` from PATH, else from the first of `directories` that has it.
    static func find(_ name: String, alsoIn directories: [String] = []) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return (path + directories).map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
