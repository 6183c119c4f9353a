import Crypto
import Foundation
import NPSDomain

/// One file of `schema/functions`, `schema/views` or `schema/triggers`: the
/// current definition of a function, a view or a trigger (with its trigger
/// function), written to be applied again (`CREATE OR REPLACE`). The runner
/// applies it after the numbered migrations whenever its checksum differs
/// from the one the database recorded in `schema_repeatables`.
public struct RepeatableMigration: Sendable, Equatable {
    /// The folder a file is in, which fixes when it is applied: functions
    /// first (views and triggers call them), then views, then triggers.
    public enum Kind: Int, Sendable, Comparable, CaseIterable {
        case function, view, trigger

        public var folder: String {
            switch self {
            case .function: "functions"
            case .view: "views"
            case .trigger: "triggers"
            }
        }

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public let kind: Kind
    public let fileName: String
    public let sql: String
    /// Hex SHA-256 of the file: a different one in the database means the file changed since it was applied.
    public let checksum: String

    /// `path` is the file's path under `schema/`, such as `functions/record_votes.sql`.
    public init(path: String, sql: String) {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count == 2, let kind = Kind.allCases.first(where: { $0.folder == parts[0] }) else {
            preconditionFailure("a repeatable file is functions/, views/ or triggers/NAME.sql: \(path)")
        }
        self.kind = kind
        self.fileName = parts[1]
        self.sql = sql
        self.checksum = SHA256.hash(data: Data(sql.utf8)).lowercaseHex
    }

    /// The file's path under `schema/`: its name in `schema_repeatables`.
    public var path: String { "\(kind.folder)/\(fileName)" }

    /// The order files are applied in: by kind, then by file name. Within a
    /// kind the order does not matter for functions (their bodies are checked
    /// when they run, not when they are created); a view that reads another
    /// view must sort after it.
    public static func inApplicationOrder(_ files: [RepeatableMigration]) -> [RepeatableMigration] {
        files.sorted { ($0.kind, $0.fileName) < ($1.kind, $1.fileName) }
    }
}
