import Foundation

/// A shell command line run to its end, with its standard output.
public enum ShellCommand {
    public struct Run: Sendable {
        public var status: Int32
        public var output: String
    }

    /// Runs `command` on a thread of its own and waits for it without
    /// holding one of the few threads async code runs on: a blocking wait
    /// there (a cluster starting, pg_dump) stalled every other test of a
    /// parallel run on a 2-core machine, the two threads both waiting.
    public static func run(_ command: String) async throws -> Run {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try runBlocking(command) }) }
        }
    }

    /// Runs `command` with `/bin/sh -c`, its standard output read through a
    /// pipe and nothing else of this process's open descriptors passed on
    /// (see `ChildProcess.spawn`): popen would hand a cluster's postmaster
    /// every socket open at that moment, for as long as the cluster runs.
    /// Standard error is the caller's to redirect. Blocks the calling thread:
    /// for a `defer`, where nothing can be awaited.
    public static func runBlocking(_ command: String) throws -> Run {
        let pipe = try ChildProcess.closeOnExecPipe()
        let ends = [pipe.read, pipe.write]
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&fileActions, ends[1], 1)
        let pid: pid_t
        do {
            pid = try ChildProcess.spawn(
                "/bin/sh", arguments: ["-c", command], environment: [:], fileActions: &fileActions, keeping: 3)
        } catch {
            close(ends[0])
            close(ends[1])
            throw error
        }
        close(ends[1])
        var output = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(ends[0], &buffer, buffer.count)
            if count > 0 {
                output += buffer[0..<count]
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        close(ends[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return Run(status: ChildProcess.exitCode(status), output: String(decoding: output, as: UTF8.self))
    }
}
