import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started with `posix_spawn`, its standard output and error
/// going to a log file. Foundation's `Process` can miss a child's exit on
/// Linux and hang, so this waits for the child itself (`waitpid`).
///
/// A test calls `stop()` in a `defer`: it kills the child with SIGKILL if it
/// still runs and reaps it, so that no test leaves a process behind (and the
/// deinitializer does the same for a child nobody stopped).
public final class ChildProcess: Sendable {
    public let pid: pid_t
    public let executable: String
    /// Where the child's standard output and standard error go.
    public let logFile: URL
    /// The child's wait status once it has been reaped; never signalled after
    /// that, since its process id may belong to another process by then.
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `executable` with `arguments`, the parent's environment with
    /// `environment` laid over it, standard input from /dev/null, and standard
    /// output and error into `logFile` (a fresh file in the temporary folder by default).
    /// `descriptors` maps file descriptors of the child to open ones of this
    /// process (a pipe to talk to the child over, say).
    public init(
        executable: String,
        arguments: [String] = [],
        environment: [String: String] = [:],
        logFile: URL? = nil,
        descriptors: [Int32: Int32] = [:]
    ) throws {
        self.executable = executable
        let logFile =
            logFile
            ?? FileManager.default.temporaryDirectory.appending(path: "nps-child-\(UUID().uuidString).log")
        self.logFile = logFile

        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fileActions, 1, logFile.path(), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&fileActions, 1, 2)
        for (child, parent) in descriptors { posix_spawn_file_actions_adddup2(&fileActions, parent, child) }
        self.pid = try Self.spawn(
            executable, arguments: arguments, environment: environment, fileActions: &fileActions,
            keeping: (descriptors.keys.max() ?? 2) + 1)
    }

    /// Starts `executable` with `fileActions`, then every descriptor from
    /// `keeping` up closed in the child. SwiftNIO opens its sockets without
    /// close-on-exec, so a child would otherwise hold a copy of every socket
    /// open at that moment (live test servers, their clients, database
    /// connections) and a close in this process would not reach the peer
    /// until the child exited (a cluster's postmaster, started through
    /// `tools/db`, held its copies for as long as the cluster ran).
    static func spawn(
        _ executable: String, arguments: [String], environment: [String: String],
        fileActions: inout posix_spawn_file_actions_t, keeping: Int32
    ) throws -> pid_t {
        guard closeDescriptors(&fileActions, keeping) == 0 else {
            throw TestDatabaseError("posix_spawn_file_actions_addclosefrom_np failed")
        }
        // The child starts with default signal handling and nothing blocked,
        // whatever the test runner did with its own signals.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var mergedEnvironment = ProcessInfo.processInfo.environment
        mergedEnvironment.merge(environment) { _, override in override }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = mergedEnvironment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }

        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &fileActions, &attributes, argv, envp)
        guard result == 0 else {
            throw TestDatabaseError("posix_spawn \(executable) failed: \(String(cString: strerror(result)))")
        }
        return pid
    }

    deinit {
        stop()
    }

    /// Sends `signal` to the child, unless it has been reaped already.
    public func kill(_ signal: Int32) {
        reaped.withLock { status in
            if status == nil { _ = sendSignal(pid, signal) }
        }
    }

    /// False once the child has exited (and it is reaped then).
    public var isRunning: Bool {
        reaped.withLock { status in
            if status != nil { return false }
            var raw: Int32 = 0
            switch waitpid(pid, &raw, WNOHANG) {
            case 0:
                return true
            case pid:
                status = raw
                return false
            default:
                return false
            }
        }
    }

    /// Blocks until the child exits and returns its exit code, or 128 plus
    /// the signal's number when a signal ended it (as a shell reports it).
    /// Blocks a thread: call it when the child is known to be ending (after
    /// SIGKILL), else use `wait(timeout:)`.
    @discardableResult
    public func wait() -> Int32 {
        reaped.withLock { status in
            if let status { return Self.exitCode(status) }
            var raw: Int32 = 0
            while true {
                let result = waitpid(pid, &raw, 0)
                if result == pid { break }
                if result == -1 && errno == EINTR { continue }
                return -1
            }
            status = raw
            return Self.exitCode(raw)
        }
    }

    /// The child's exit code (as `wait()`) once it has exited, or nil if it
    /// still runs after `timeout`. Polls, so it never blocks a thread.
    public func wait(timeout: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            guard ContinuousClock.now < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(20))
        }
        return wait()
    }

    /// The child's exit code once it has exited; kills it and throws if it
    /// still runs after `timeout`. Polls, so a test that waits for a tool
    /// (curl, python3) holds none of the few threads async code runs on.
    public func exitCode(within timeout: Duration) async throws -> Int32 {
        guard let status = try await wait(timeout: timeout) else {
            stop()
            throw TestDatabaseError("\(executable) did not finish within \(timeout): \(outputTail())")
        }
        return status
    }

    /// Kills the child with SIGKILL if it still runs and reaps it. Idempotent.
    public func stop() {
        guard isRunning else { return }
        kill(SIGKILL)
        wait()
    }

    /// What the child wrote so far.
    public func output() -> String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    /// The last `lines` lines the child wrote, for a failure message.
    public func outputTail(lines: Int = 30) -> String {
        output().split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// Removes the log file (after `stop()`, when it is no longer wanted).
    public func removeLog() {
        try? FileManager.default.removeItem(at: logFile)
    }

    static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}

extension ChildProcess {
    /// `.build/debug/nps-collector`, as `swift build` leaves it.
    public static func collectorExecutable() throws -> String {
        let path = DatabaseTool.projectDirectory.appending(path: ".build/debug/nps-collector").path()
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestDatabaseError(
                "\(path) is missing: build it with `swift build` (./tools/test does) before running these tests")
        }
        return path
    }
}

extension ChildProcess {
    /// A pipe whose two ends are close-on-exec from the start (`pipe2`), so
    /// that no child spawned meanwhile by another test holds an end; dup2 to
    /// a child's descriptor clears the flag there.
    public static func closeOnExecPipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard makePipe(&ends, O_CLOEXEC) == 0 else { throw TestDatabaseError("pipe2 failed: \(errno)") }
        return (ends[0], ends[1])
    }
}

/// glibc's `pipe2`, which its Swift module does not import.
private let makePipe: @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32 = {
    guard let symbol = dlsym(nil, "pipe2") else { fatalError("pipe2 is missing from the C library") }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32).self)
}()

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later),
/// which its Swift module does not import.
private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
private let closeDescriptors: AddCloseFrom = {
    guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
        fatalError("glibc 2.34 or later is needed: posix_spawn_file_actions_addclosefrom_np is missing")
    }
    return unsafeBitCast(symbol, to: AddCloseFrom.self)
}()

/// The C function, out of reach of the method of the same name inside the class.
private func sendSignal(_ pid: pid_t, _ signal: Int32) -> Int32 {
    kill(pid, signal)
}
