import EventStore
import Foundation
import TestSupport

/// `nps-collector project` as an operator runs it: a process of its own on
/// the test's database, as the application role. Fixed batches (no
/// catch-up growth): the tests kill it between two of many batches, not
/// inside the one batch a catch-up would fold the whole backlog in.
enum ProjectProcess {
    static func start(_ database: TestDatabase, batchSize: Int) throws -> ChildProcess {
        try ChildProcess(
            executable: ChildProcess.collectorExecutable(),
            arguments: [
                "project", "--projection-batch", String(batchSize), "--projection-catch-up-batch", String(batchSize),
            ],
            environment: ["DATABASE_URL": database.appURL.connectionString, "LOG_LEVEL": "info"]
        )
    }
}

extension ChildProcess {
    /// For failure messages: who it was and what it said last.
    var report: String {
        "process \(pid) (\(isRunning ? "running" : "ended")), its log ends with:\n\(outputTail())"
    }
}
