import Foundation
import TestSupport
import Testing

/// Drives `./tools/db` in a folder of its own, as a developer would.
@Suite("tools/db", .serialized)
struct DatabaseToolTests {
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
    func startTwiceThenStop() async throws {
        let db = DatabaseTool()
        let folder = db.folder
        defer { db.destroyNow() }
        let first = try await db("start")
        #expect(first.status == 0)
        let lines = first.output.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("DATABASE_URL=postgres://nps_app:") == true)
        #expect(lines.last?.hasPrefix("MIGRATE_DATABASE_URL=postgres://nps_owner:") == true)
        #expect(first.output.contains("@127.0.0.1:"))
        let pid = try #require(try Self.postmasterPID(folder: folder))
        #expect(Self.isAlive(pid))

        let second = try await db("start")
        #expect(second.status == 0)
        #expect(second.output == first.output, "a second start must reuse the cluster, port and credentials")
        #expect(try Self.postmasterPID(folder: folder) == pid)

        #expect(try await db("status").status == 0)
        #expect(try await db("stop").status == 0)
        #expect(!Self.isAlive(pid))
        #expect(try await db("status").status == 3)

        let restarted = try await db("start")
        #expect(restarted.output == first.output, "the port and credentials are remembered across restarts")
        #expect(try await db("stop").status == 0)
    }
}
