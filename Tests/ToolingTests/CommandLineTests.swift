import EventStore
import Foundation
import NPSDomain
import PostgresNIO
import TestSupport
import Testing

/// Every subcommand of `nps-collector`, run as a user types it: the built
/// binary in a child process, with its output and exit status checked. The
/// tests below each name the commands they run in `exercised`; a command
/// that ArgumentParser knows and no test runs fails `everyCommandIsExercised`.
@Suite("Command line: every subcommand as a user types it")
struct CommandLineTests {
    /// Every leaf command that a test of this suite runs for real.
    static let exercised: Set<String> = [
        "serve", "project", "projections status", "projections resume", "replay", "migrate",
        "workspaces register", "workspaces purge", "tokens create", "tokens revoke",
        "campaigns announce", "campaigns close", "campaigns list", "campaigns landing-page", "campaigns contacts",
        "quarantine list", "quarantine replay", "quarantine discard", "settings", "simulate",
        "bench append", "bench e2e", "bench ingest", "bench privacy", "bench project", "bench query", "bench replay",
    ]

    struct Run: CustomStringConvertible {
        var status: Int32
        var output: String
        var description: String { "exit \(status):\n\(output)" }
    }

    /// Runs the binary with the test's environment, `environment` laid over
    /// it (an empty value unsets a setting), and waits at most `timeout`.
    static func collector(
        _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(120)
    ) async throws -> Run {
        let child = try ChildProcess(
            executable: try ChildProcess.collectorExecutable(), arguments: arguments,
            environment: ["LOG_LEVEL": "warning"].merging(environment) { $1 })
        defer {
            child.stop()
            child.removeLog()
        }
        let status = try await child.exitCode(within: timeout)
        return Run(status: status, output: child.output())
    }

    static func settings(_ database: TestDatabase) -> [String: String] {
        [
            "DATABASE_URL": database.appURL.connectionString,
            "MIGRATE_DATABASE_URL": database.ownerURL.connectionString,
        ]
    }

    /// The leaf commands of ArgumentParser's tree, as `a b` paths.
    static func leafCommands() async throws -> Set<String> {
        let run = try await collector(["--experimental-dump-help"])
        #expect(run.status == 0, "\(run)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        func children(_ command: [String: Any]) -> [[String: Any]] {
            (command["subcommands"] as? [[String: Any]] ?? []).filter { $0["commandName"] as? String != "help" }
        }
        func leaves(_ command: [String: Any], path: [String]) -> [String] {
            let here = path + [command["commandName"] as? String ?? "?"]
            let below = children(command)
            return below.isEmpty ? [here.joined(separator: " ")] : below.flatMap { leaves($0, path: here) }
        }
        let root = try #require(json["command"] as? [String: Any])
        return Set(children(root).flatMap { leaves($0, path: []) })
    }

    @Test("every command that ArgumentParser knows is run by a test here")
    func everyCommandIsExercised() async throws {
        let leaves = try await Self.leafCommands()
        #expect(leaves.count > 20, "\(leaves.sorted())")
        #expect(
            leaves.subtracting(Self.exercised).isEmpty,
            "commands without a command-line test: \(leaves.subtracting(Self.exercised).sorted())")
        #expect(
            Self.exercised.subtracting(leaves).isEmpty,
            "tests of commands that no longer exist: \(Self.exercised.subtracting(leaves).sorted())")
    }

    @Test("--help of every command answers its usage, even with no setting at all", arguments: exercised.sorted())
    func help(_ command: String) async throws {
        let run = try await Self.collector(
            command.split(separator: " ").map(String.init) + ["--help"],
            environment: ["DATABASE_URL": "", "MIGRATE_DATABASE_URL": "", "USER": ""])
        #expect(run.status == 0, "\(run)")
        #expect(run.output.contains("USAGE: nps-collector \(command)"), "\(run)")
    }

    @Test("migrate twice: the second run has nothing to apply; settings lists where each value comes from")
    func migrateAndSettings() async throws {
        try await TestDatabase.with(migrated: false) { database in
            let first = try await Self.collector(["migrate"], environment: Self.settings(database))
            #expect(first.status == 0, "\(first)")
            #expect(first.output.contains("applied 0001_schema_migrations.sql"), "\(first)")
            let second = try await Self.collector(["migrate"], environment: Self.settings(database))
            #expect(second.status == 0, "\(second)")
            #expect(second.output.contains("database is up to date"), "\(second)")

            let settings = try await Self.collector(["settings"], environment: Self.settings(database))
            #expect(settings.status == 0, "\(settings)")
            #expect(settings.output.contains("DATABASE_URL\tenvironment\t"), "\(settings)")
            #expect(!settings.output.contains(database.appURL.connectionString), "a password was shown: \(settings)")
        }
    }

    @Test("tokens create prints a token and its id; revoke takes the id once, then refuses it")
    func tokens() async throws {
        try await TestDatabase.with { database in
            let created = try await Self.collector(
                ["tokens", "create", "--scope", "analyst", "--label", "cli test"], environment: Self.settings(database))
            #expect(created.status == 0, "\(created)")
            let id = try #require(
                created.output.split(separator: "\n").first { $0.hasPrefix("token id: ") }?.dropFirst(10),
                "\(created)")
            let revoked = try await Self.collector(
                ["tokens", "revoke", String(id)], environment: Self.settings(database))
            #expect(revoked.status == 0 && revoked.output.contains("revoked \(id)"), "\(revoked)")
            let again = try await Self.collector(
                ["tokens", "revoke", String(id)], environment: Self.settings(database))
            #expect(again.status != 0 && again.output.contains("no live token with id"), "\(again)")
            let workspace = try await Self.collector(
                ["tokens", "create", "--scope", "workspace"], environment: Self.settings(database))
            #expect(workspace.status != 0 && workspace.output.contains("--scope is analyst or admin"), "\(workspace)")
        }
    }

    @Test("campaigns: announce, list, landing page, contacts, close")
    func campaigns() async throws {
        try await TestDatabase.with { database in
            let environment = Self.settings(database)
            let start = EventJSON.formatTimestamp(Date().addingTimeInterval(60 * 86_400))
            let expire = EventJSON.formatTimestamp(Date().addingTimeInterval(74 * 86_400))
            let announced = try await Self.collector(
                ["campaigns", "announce", "--id", "cli-1", "--start", start, "--expire", expire],
                environment: environment)
            #expect(announced.status == 0 && announced.output.contains("announced cli-1"), "\(announced)")
            let badDate = try await Self.collector(
                ["campaigns", "announce", "--id", "cli-2", "--start", "tomorrow", "--expire", expire],
                environment: environment)
            #expect(badDate.status != 0 && badDate.output.contains("--start is not ISO-8601"), "\(badDate)")
            let list = try await Self.collector(["campaigns", "list"], environment: environment)
            #expect(list.status == 0 && list.output.contains("cli-1\t\(start)\t\(expire)\t"), "\(list)")
            let page = try await Self.collector(
                ["campaigns", "landing-page", "cli-1", "--ask-contact"], environment: environment)
            #expect(page.status == 0 && page.output.contains("landing page of cli-1 enabled at /s/cli-1"), "\(page)")
            let contacts = try await Self.collector(["campaigns", "contacts", "cli-1"], environment: environment)
            #expect(contacts.status == 0, "\(contacts)")
            // Standard output and error come merged: the header begins a line of its own.
            let header = "identifier,firstName,lastName,email,consentedAt\r\n"
            #expect(contacts.output.hasPrefix(header) || contacts.output.contains("\n" + header), "\(contacts)")
            let unknown = try await Self.collector(["campaigns", "contacts", "nope"], environment: environment)
            #expect(unknown.status != 0 && unknown.output.contains("no campaign nope"), "\(unknown)")
            let closed = try await Self.collector(["campaigns", "close", "cli-1"], environment: environment)
            #expect(closed.status == 0 && closed.output.contains("closed cli-1"), "\(closed)")
        }
    }

    @Test("a workspace's life from the command line: serve, register, upload, quarantine, replay, purge")
    func workspaceLife() async throws {
        try await TestDatabase.with { database in
            let environment = Self.settings(database)
            let server = try await ServerProcess.start(database, environment: ["NPS_PROJECTORS": "on"])
            defer { server.stop() }

            let registered = try await Self.collector(["workspaces", "register", "cli-ws"], environment: environment)
            #expect(registered.status == 0, "\(registered)")
            let workspaceToken = try #require(registered.output.split(separator: "\n").last.map(String.init))
            let other = try await Self.collector(["workspaces", "register", "cli-other"], environment: environment)
            let otherToken = try #require(other.output.split(separator: "\n").last.map(String.init))
            let analyst = try await Self.collector(
                ["tokens", "create", "--scope", "analyst"], environment: environment)
            let analystToken = try #require(analyst.output.split(separator: "\n").last.map(String.init))

            let start = EventJSON.formatTimestamp(Date().addingTimeInterval(-3_600))
            let expire = EventJSON.formatTimestamp(Date().addingTimeInterval(14 * 86_400))
            let announced = try await Self.collector(
                [
                    "campaigns", "announce", "--id", "cli-c", "--start", start, "--expire", expire,
                    "--allow-short-notice",
                ],
                environment: environment)
            #expect(announced.status == 0, "\(announced)")

            func votes(_ from: Int, _ scores: [Int], comment: String) -> String {
                let items = scores.enumerated().map { index, score in
                    #"{"identifier":"\#(String(format: "%064x", from + index))","roles":["user"],"score":\#(score),"comment":"\#(comment)"}"#
                }
                return #"{"total":\#(items.count),"votes":[\#(items.joined(separator: ","))]}"#
            }
            // Two votes of 11 are quarantined: one is fixed and replayed, the other discarded.
            let upload = try await Curl.send(
                "POST", "\(server.baseURL)/v1/surveys/cli-c/results", token: workspaceToken,
                body: votes(1, [9, 10, 3, 11, 11], comment: "purge-me-comment"))
            #expect(upload.status == 200, "\(upload)")
            let kept = try await Curl.send(
                "POST", "\(server.baseURL)/v1/surveys/cli-c/results", token: otherToken,
                body: votes(100, [8, 9, 10, 7, 6], comment: "kept"))
            #expect(kept.status == 200, "\(kept)")

            let held = try await Self.collector(["quarantine", "list", "--json"], environment: environment)
            #expect(held.status == 0, "\(held)")
            let ids = held.output.split(separator: "\n").compactMap { line -> Int64? in
                guard let data = line.data(using: .utf8),
                    let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
                else { return nil }
                return (object["id"] as? NSNumber)?.int64Value
            }
            #expect(ids.count == 2, "\(held)")
            guard ids.count == 2 else { return }
            let fixed = #"{"identifier":"\#(String(format: "%064x", 4))","roles":["user"],"score":5}"#
            let replayed = try await Self.collector(
                ["quarantine", "replay", String(ids[0]), "--item", fixed], environment: environment)
            #expect(replayed.status == 0, "\(replayed)")
            let discarded = try await Self.collector(
                ["quarantine", "discard", String(ids[1])], environment: environment)
            #expect(discarded.status == 0, "\(discarded)")
            let unknown = try await Self.collector(["quarantine", "discard", "999999"], environment: environment)
            #expect(unknown.status != 0, "\(unknown)")

            // Both workspaces' 9 valid votes are counted once the projectors have caught up.
            let summaryURL = "\(server.baseURL)/api/v1/campaigns/cli-c/summary"
            let deadline = ContinuousClock.now + .seconds(120)
            var summary = (status: 0, body: "")
            while ContinuousClock.now < deadline {
                summary = try await Curl.send("GET", summaryURL, token: analystToken)
                if summary.body.contains(#""votes":9"#) { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(summary.body.contains(#""votes":9"#), "\(summary)")

            let status = try await Self.collector(["projections", "status"], environment: environment)
            #expect(status.status == 0 && status.output.contains(#""votes/0""#), "\(status)")
            let resume = try await Self.collector(["projections", "resume", "votes/0"], environment: environment)
            #expect(resume.status == 0, "\(resume)")
            let resumeUnknown = try await Self.collector(["projections", "resume", "nope"], environment: environment)
            #expect(resumeUnknown.status != 0, "\(resumeUnknown)")
            let verify = try await Self.collector(["replay", "--verify", "--all"], environment: environment)
            #expect(verify.status == 0, "\(verify)")
            let rebuilt = try await Self.collector(["replay", "votes", "--json"], environment: environment)
            #expect(rebuilt.status == 0, "\(rebuilt)")

            let unconfirmed = try await Self.collector(["workspaces", "purge", "cli-ws"], environment: environment)
            #expect(unconfirmed.status != 0 && unconfirmed.output.contains("add --confirm"), "\(unconfirmed)")
            let typo = try await Self.collector(
                ["workspaces", "purge", "cli-wss", "--confirm"], environment: environment)
            #expect(typo.status != 0 && typo.output.contains("no event of workspace cli-wss"), "\(typo)")
            let purged = try await Self.collector(
                ["workspaces", "purge", "cli-ws", "--confirm"], environment: environment, timeout: .seconds(300))
            #expect(purged.status == 0 && purged.output.contains("purged"), "\(purged)")

            let inLog =
                try await database.owner.query(
                    """
                    SELECT count(*)::int8 FROM event_log
                     WHERE event_workspace_id(stream_id, payload) = 'cli-ws' AND event_type <> 'WorkspacePurged'
                    """, logger: database.logger
                ).collect().first?.decode(Int.self) ?? -1
            #expect(inLog == 0)
            let requester = try await database.owner.query(
                "SELECT requested_by FROM event_log_purges WHERE workspace_id = 'cli-ws'", logger: database.logger
            ).collect().first?.decode(String.self)
            #expect(requester?.hasPrefix("cli:") == true, "\(String(describing: requester))")
            // Every table with a workspace column but the audit of purges and the revoked tokens.
            let tables = try await database.owner.query(
                """
                SELECT table_name::text FROM information_schema.columns
                 WHERE table_schema = 'public' AND column_name = 'workspace_id'
                   AND table_name NOT IN ('event_log_purges', 'api_tokens')
                """, logger: database.logger
            ).collect().map { try $0.decode(String.self) }
            #expect(tables.count >= 3, "\(tables)")
            for table in tables {
                let rows =
                    try await database.owner.query(
                        PostgresQuery(
                            unsafeSQL: "SELECT count(*)::int8 FROM \"\(table)\" WHERE workspace_id = 'cli-ws'"),
                        logger: database.logger
                    ).collect().first?.decode(Int.self) ?? -1
                #expect(rows == 0, "\(table) still holds cli-ws")
            }
            // `serve` keeps the read-model version and verified tokens in memory until the notification
            // of a change arrives; a second after the change it has arrived or the copy is no longer used.
            try await Task.sleep(for: ChangeNotifications.staleAfter)
            let routes = [
                "/api/v1/campaigns/cli-c/summary", "/api/v1/campaigns/cli-c/breakdown?by=role",
                "/api/v1/campaigns/cli-c/workspaces", "/api/v1/campaigns/cli-c/votes",
                "/api/v1/campaigns/cli-c/votes.csv", "/api/v1/campaigns/cli-c/workspaces.csv",
                "/api/v1/trend", "/api/v1/compare?a=cli-c&b=cli-c",
            ]
            for route in routes {
                let answer = try await Curl.send("GET", server.baseURL + route, token: analystToken)
                #expect(answer.status == 200, "\(route): \(answer)")
                #expect(!answer.body.contains("cli-ws\"") && !answer.body.contains("purge-me"), "\(route): \(answer)")
            }
            let workspace = try await Curl.send(
                "GET", "\(server.baseURL)/api/v1/workspaces/cli-ws", token: analystToken)
            #expect(workspace.status == 404, "\(workspace)")
            let after = try await Curl.send("GET", summaryURL, token: analystToken)
            #expect(after.body.contains(#""votes":5"#), "\(after)")
            let refused = try await Curl.send(
                "POST", "\(server.baseURL)/v1/surveys/cli-c/results", token: workspaceToken,
                body: votes(50, [9], comment: "late"))
            #expect(refused.status == 401, "the purged workspace's token still works: \(refused)")

            server.process.kill(SIGTERM)
            let stopped = try await server.process.exitCode(within: .seconds(120))
            #expect(stopped == 0, "serve did not end cleanly on SIGTERM: \(server.process.outputTail())")
        }
    }

    @Test("project runs the projectors alone and ends on SIGTERM")
    func project() async throws {
        try await TestDatabase.with { database in
            let child = try ChildProcess(
                executable: try ChildProcess.collectorExecutable(), arguments: ["project", "--only", "votes"],
                environment: Self.settings(database).merging(["LOG_LEVEL": "info"]) { $1 })
            defer {
                child.stop()
                child.removeLog()
            }
            // "projecting" is logged once SIGTERM is trapped (it once came before, and a SIGTERM sent
            // on it killed the process under load: exit 143).
            let deadline = ContinuousClock.now + .seconds(180)
            func projecting() -> Bool {
                child.output().split(separator: "\n").contains { $0.contains("projecting") && $0.contains("votes/1") }
            }
            while ContinuousClock.now < deadline, !projecting(), child.isRunning {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(projecting(), "\(child.output())")
            #expect(child.isRunning, "\(child.output())")
            child.kill(SIGTERM)
            let status = try await child.exitCode(within: .seconds(120))
            #expect(status == 0, "\(child.output())")
        }
    }

    @Test("simulate --dry-run prints the plan's ground truth and writes the requests")
    func simulateDryRun() async throws {
        let record = FileManager.default.temporaryDirectory.appending(path: "nps-sim-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: record) }
        let run = try await Self.collector(
            [
                "simulate", "--dry-run", "--workspaces", "20", "--seed", "3", "--start", "2027-01-01T00:00:00Z",
                "--record", record.path(),
            ], environment: ["DATABASE_URL": ""])
        #expect(run.status == 0, "\(run)")
        #expect(run.output.contains("sim-3-1: "), "\(run)")
        let written = try String(contentsOf: record, encoding: .utf8)
        #expect(written.contains("POST "), "\(written.prefix(500))")
    }

    @Test("each benchmark runs at its smallest sizes in a scratch database and prints its figures")
    func benchmarks() async throws {
        let cluster = try TestDatabase.clusterURLs()
        let environment = [
            "DATABASE_URL": cluster.app.connectionString, "MIGRATE_DATABASE_URL": cluster.owner.connectionString,
        ]
        let port = try ServerProcess.freePort()
        let runs: [([String], String)] = [
            (["bench", "append", "--events", "2000", "--batch", "500", "--streams", "10"], "events/s"),
            (["bench", "ingest", "--votes", "2000", "--clients", "2", "--workspaces", "2"], "votes/s"),
            (
                [
                    "bench", "project", "--events", "2000", "--workspaces", "20", "--lag-rate", "1000",
                    "--lag-seconds", "1",
                ], "GROUP BY"
            ),
            (
                [
                    "bench", "query", "--workspaces", "20", "--votes", "2000", "--connections", "2", "--seconds", "1",
                    "--ingest-rate", "1000",
                ],
                "trend, while ingesting"
            ),

            (["bench", "replay", "--sizes", "2000", "--workspaces", "20"], "GROUP BY"),
            (["bench", "privacy", "--workspaces", "50", "--runs", "1"], "privacy rule over"),
            (
                [
                    "bench", "e2e", "--workspaces", "10", "--campaigns", "1", "--port", String(port),
                    "--anchor-seconds",
                    "1",
                ],
                "check: the collector's answers equal the ground truth"
            ),
        ]
        let wrkInstalled = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/wrk") }
        let wrkRun = (
            [
                "bench", "query", "--workspaces", "20", "--votes", "2000", "--connections", "2", "--seconds", "1",
                "--ingest-rate", "0", "--load-generator", "wrk",
            ], "(wrk)"
        )
        for (arguments, expected) in runs + (wrkInstalled ? [wrkRun] : []) {
            let run = try await Self.collector(arguments, environment: environment, timeout: .seconds(300))
            #expect(run.status == 0, "\(arguments.joined(separator: " ")): \(run)")
            #expect(run.output.contains(expected), "\(arguments.joined(separator: " ")): \(run)")
        }
    }

    @Test("misuse answers a clear message and a non-zero exit, never a runtime trap")
    func misuse() async throws {
        let file = FileManager.default.temporaryDirectory.appending(path: "nps-missing-\(UUID().uuidString).env")
        let cases: [([String], [String: String], String)] = [
            (["migrate"], ["DATABASE_URL": "", "MIGRATE_DATABASE_URL": ""], "DATABASE_URL is not set"),
            (["projections", "status"], ["DATABASE_URL": "mysql://x@y/z"], "invalid database URL"),
            (["workspaces", "purge", "x"], ["DATABASE_URL": ""], "add --confirm"),
            (["settings"], ["NPS_CONFIG_FILE": file.path()], "cannot be read"),
            (["tokens", "revoke", "not-a-uuid"], [:], "is not a token id"),
            (["replay"], [:], "name a read model, or give --all or --clean"),
            (["bench", "append", "--events", "0"], [:], "--events must be from 1"),
            (["bench", "e2e", "--workspaces", "0"], [:], "--workspaces must be from 1"),
        ]
        for (arguments, environment, message) in cases {
            let run = try await Self.collector(arguments, environment: environment)
            let line = arguments.joined(separator: " ")
            #expect(run.status != 0, "\(line): \(run)")
            #expect(run.status < 128, "\(line) ended by a signal (a runtime trap): \(run)")
            #expect(!run.output.contains("Fatal error") && !run.output.contains("runtime failure"), "\(line): \(run)")
            #expect(run.output.contains(message), "\(line): \(run)")
        }
    }
}
