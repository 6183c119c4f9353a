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

    /// Runs `command` through popen/pclose, which wait for the child
    /// themselves: Foundation's Process can miss the child's exit on Linux
    /// and hang. Standard error is the caller's to redirect. Blocks the
    /// calling thread: for a `defer`, where nothing can be awaited.
    public static func runBlocking(_ command: String) throws -> Run {
        guard let stream = popen(command, "r") else { throw POSIXError(.EIO) }
        var output = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, stream)
            if count == 0 { break }
            output += buffer[0..<count]
        }
        let status = pclose(stream)
        return Run(status: (status >> 8) & 0xFF, output: String(decoding: output, as: UTF8.self))
    }
}
