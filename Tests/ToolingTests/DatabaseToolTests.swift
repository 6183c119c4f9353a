import Foundation
import Testing

/// Drives `./tools/db` in a folder of its own, as a developer would.
@Suite("tools/db", .serialized)
struct DatabaseToolTests {
    static let projectDirectory = URL(filePath: #filePath).deletingLastPathComponent()
        .appending(path: "../..").standardized

    struct Run {
        var status: Int32
        var output: String
    }

    /// Runs the tool through popen/pclose, which wait for the child themselves:
    /// Foundation's Process can miss the child's exit on Linux and hang.
    static func db(_ arguments: [String], folder: URL) throws -> Run {
        let tool = projectDirectory.appending(path: "tools/db").path()
        let command =
            "NPS_DB_DIR='\(folder.path())' '\(tool)' \(arguments.joined(separator: " ")) 2>/dev/null </dev/null"
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

    /// The postmaster's process id, from its pid file (readable by root and the cluster user).
    static func postmasterPID(folder: URL) throws -> Int32? {
        let pidFile = folder.appending(path: "data/postmaster.pid")
        guard let text = try? String(contentsOf: pidFile, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first.flatMap { Int32($0) }
    }

    /// Running, as opposed to gone or a zombie waiting to be reaped by whoever adopted it.
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let afterName = stat.range(of: ") ")
        else { return false }
        return stat[afterName.upperBound...].first != "Z"
    }

    @Test("start twice reuses the cluster; stop leaves no process")
    func startTwiceThenStop() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "nps-db-tool-\(UUID().uuidString)")
        defer {
            _ = try? Self.db(["destroy"], folder: folder)
        }
        let first = try Self.db(["start"], folder: folder)
        #expect(first.status == 0)
        let lines = first.output.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("DATABASE_URL=postgres://nps_app:") == true)
        #expect(lines.last?.hasPrefix("MIGRATE_DATABASE_URL=postgres://nps_owner:") == true)
        #expect(first.output.contains("@127.0.0.1:"))
        let pid = try #require(try Self.postmasterPID(folder: folder))
        #expect(Self.isAlive(pid))

        let second = try Self.db(["start"], folder: folder)
        #expect(second.status == 0)
        #expect(second.output == first.output, "a second start must reuse the cluster, port and credentials")
        #expect(try Self.postmasterPID(folder: folder) == pid)

        #expect(try Self.db(["status"], folder: folder).status == 0)
        #expect(try Self.db(["stop"], folder: folder).status == 0)
        #expect(!Self.isAlive(pid))
        #expect(try Self.db(["status"], folder: folder).status == 3)

        let restarted = try Self.db(["start"], folder: folder)
        #expect(restarted.output == first.output, "the port and credentials are remembered across restarts")
        #expect(try Self.db(["stop"], folder: folder).status == 0)
    }
}
