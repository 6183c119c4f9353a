import EventStore
import Foundation
import TestSupport
import Testing

/// Settings reach the binary from the environment or from NPS_CONFIG_FILE;
/// the README documents every one of them in one table.
@Suite("Configuration: environment and NPS_CONFIG_FILE")
struct ConfigurationTests {
    /// Runs the real binary with `environment` laid over the test's own (an
    /// empty value unsets a setting) and returns its exit code and output.
    func collector(_ arguments: [String], environment: [String: String]) async throws -> (Int32?, String) {
        let child = try ChildProcess(
            executable: try ChildProcess.collectorExecutable(), arguments: arguments, environment: environment)
        defer {
            child.stop()
            child.removeLog()
        }
        let status = try await child.wait(timeout: .seconds(60))
        return (status, child.output())
    }

    func configurationFile(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appending(path: "nps-config-\(UUID().uuidString).env")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static let unset = ["DATABASE_URL": "", "MIGRATE_DATABASE_URL": "", "LOG_LEVEL": ""]

    @Test("a key that is not a setting is refused, naming the file, the line and the key")
    func typo() async throws {
        let file = try configurationFile("# collector\nNPS_PORT=9000\nDATABSE_URL=postgres://a@b/c\n")
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, output) = try await collector(
            ["settings"], environment: Self.unset.merging(["NPS_CONFIG_FILE": file.path()]) { $1 })
        #expect(status != 0)
        #expect(output.contains("\(file.path()), line 3: DATABSE_URL is not a setting"), "\(output)")
    }

    @Test("the file supplies settings, quoted or not; the environment wins over it; passwords are never shown")
    func precedence() async throws {
        let file = try configurationFile(
            """
            DATABASE_URL="postgres://nps_app:file-secret@db.internal:5432/nps"
            NPS_PORT=9000
            LOG_LEVEL=debug
            """)
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, output) = try await collector(
            ["settings"],
            environment: Self.unset.merging(["NPS_CONFIG_FILE": file.path(), "NPS_PORT": "9100"]) { $1 })
        #expect(status == 0, "\(output)")
        let rows = Dictionary(
            uniqueKeysWithValues: output.split(separator: "\n").map { line in
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                return (fields[0], Array(fields.dropFirst()))
            })
        #expect(rows["DATABASE_URL"] == ["file", "postgres://nps_app@db.internal:5432/nps"])
        #expect(rows["NPS_PORT"] == ["environment", "9100"])
        #expect(rows["LOG_LEVEL"] == ["file", "debug"])
        #expect(rows["MIGRATE_DATABASE_URL"] == ["unset", ""])
        #expect(!output.contains("file-secret"))
    }

    @Test("serve refuses a trusted proxy that is neither an address nor a network, naming it")
    func invalidTrustedProxy() async throws {
        let (status, output) = try await collector(
            ["serve"], environment: Self.unset.merging(["NPS_TRUSTED_PROXIES": "10.0.0.1, 10.244.0.0/33"]) { $1 })
        #expect(status != 0)
        #expect(output.contains(#""10.244.0.0/33" is neither an IP address nor a network"#), "\(output)")
    }

    @Test("serve refuses a connection wait outside 1-120 seconds, naming the setting", arguments: ["0", "121"])
    func invalidConnectionWait(seconds: String) async throws {
        let (status, output) = try await collector(
            ["serve"], environment: Self.unset.merging(["NPS_DB_CONNECTION_WAIT": seconds]) { $1 })
        #expect(status != 0)
        #expect(output.contains("NPS_DB_CONNECTION_WAIT) must be from 1 to 120 seconds"), "\(output)")
    }

    @Test("a database URL from the file is the one the commands use")
    func fileDrivesTheDatabase() async throws {
        try await TestDatabase.with { database in
            let file = try configurationFile("DATABASE_URL=\(database.appURL.connectionString)\n")
            defer { try? FileManager.default.removeItem(at: file) }
            let (status, output) = try await collector(
                ["projections", "status"], environment: Self.unset.merging(["NPS_CONFIG_FILE": file.path()]) { $1 })
            #expect(status == 0, "\(output)")
            #expect(output.contains("\"votes/0\""), "\(output)")
        }
    }

    @Test("the README's configuration table lists exactly the settings the binary knows")
    func documented() async throws {
        let (status, output) = try await collector(["settings"], environment: Self.unset)
        #expect(status == 0, "\(output)")
        let known = Set(output.split(separator: "\n").compactMap { $0.split(separator: "\t").first.map(String.init) })
        let readme = try String(
            contentsOf: DatabaseTool.projectDirectory.appending(path: "README.md"), encoding: .utf8)
        let documented = Set(
            readme.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("| `") else { return nil }
                let name = line.dropFirst(3).prefix { $0 != "`" }
                return name.allSatisfy { $0.isUppercase || $0 == "_" || $0.isNumber } ? String(name) : nil
            })
        #expect(known.isSubset(of: documented), "not in the README: \(known.subtracting(documented).sorted())")
        #expect(known.count >= 10)
    }
}
