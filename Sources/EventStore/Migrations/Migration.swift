import Crypto
import Foundation
import NPSDomain

/// One numbered SQL file of `schema/`, applied once, in its own transaction.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let fileName: String
    public let sql: String
    /// Hex SHA-256 of the file: a landed migration must never change.
    public let checksum: String

    public init(fileName: String, sql: String) {
        let digits = fileName.prefix { $0.isNumber }
        precondition(!digits.isEmpty, "a migration file name starts with its number: \(fileName)")
        self.version = Int(digits)!
        self.fileName = fileName
        self.sql = sql
        self.checksum = SHA256.hash(data: Data(sql.utf8)).lowercaseHex
    }
}
