import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The tests' children (collectors, curl, python, chromium, a cluster's
/// postmaster) get standard input, output and error and the descriptors
/// they are given, nothing else: a socket of the test process they held on
/// to would stay open after the test process closed it.
@Suite("Child processes inherit no socket")
struct ChildProcessTests {
    /// The sockets the shell `sh` finds open in itself, as `/proc` shows them.
    static let listSockets = "find /proc/$$/fd -lname 'socket:*' -printf '%f\\n'"

    @Test("a socket open without close-on-exec (as SwiftNIO opens them) reaches neither a child nor a shell command")
    func noSocketInherited() async throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socket >= 0)
        defer { close(socket) }
        #expect(fcntl(socket, F_GETFD) & FD_CLOEXEC == 0, "the socket is inheritable, as NIO's are")

        let child = try ChildProcess(executable: "/bin/sh", arguments: ["-c", Self.listSockets])
        defer { child.removeLog() }
        #expect(try await child.exitCode(within: .seconds(60)) == 0)
        #expect(child.output().isEmpty, "the child holds sockets: \(child.output())")

        let shell = try await ShellCommand.run(Self.listSockets)
        #expect(shell.status == 0)
        #expect(shell.output.isEmpty, "the shell command holds sockets: \(shell.output)")
    }

    @Test("the descriptors a child is given still reach it")
    func givenDescriptorsReachTheChild() async throws {
        let pipe = try ChildProcess.closeOnExecPipe()
        let ends = [pipe.read, pipe.write]
        defer { close(ends[0]) }
        let child = try ChildProcess(
            executable: "/bin/sh", arguments: ["-c", "echo through-fd-5 >&5"], descriptors: [5: ends[1]])
        close(ends[1])
        defer { child.removeLog() }
        #expect(try await child.exitCode(within: .seconds(60)) == 0)
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(ends[0], &buffer, buffer.count)
        #expect(String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self) == "through-fd-5\n")
    }
}
