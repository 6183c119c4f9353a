import ArgumentParser
import Foundation

/// NPS_CONFIG_FILE: settings as `KEY=value` lines, `#` comments and blank
/// lines allowed, a value optionally in double quotes. The same file serves as
/// systemd's `EnvironmentFile=` and compose's `env_file:`. The environment wins
/// over the file, and a flag over both; a key that is not a setting is refused,
/// so that a typo does not pass for a default.
struct ConfigurationFile: Equatable {
    var values: [String: String]

    /// Every setting a file may hold; the README's configuration table lists them.
    static let settings: Set<String> = [
        "DATABASE_URL", "MIGRATE_DATABASE_URL", "QUERY_DATABASE_URL", "DATABASE_POOL_SIZE",
        "NPS_HOST", "NPS_PORT", "NPS_NOTICE_DAYS", "NPS_PROJECTORS", "NPS_PROJECTION_BATCH",
        "NPS_PROJECTION_CATCH_UP_BATCH", "NPS_REBUILD_BATCH", "NPS_PRIVACY_K",
        "NPS_PRIVACY_RELEASE", "NPS_SIMULATED_CLOCK", "NPS_LANDING_RATE", "NPS_TRUSTED_PROXIES",
        "NPS_STATISTICS_RETENTION_DAYS", "NPS_METRICS_TOKEN", "NPS_DB_CONNECTION_WAIT", "LOG_LEVEL",
    ]

    /// The largest file read: a configuration file, not a data file.
    static let sizeLimit = 64 * 1024

    init(values: [String: String] = [:]) {
        self.values = values
    }

    init(contentsOf path: String) throws {
        let url = URL(fileURLWithPath: path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ValidationError("NPS_CONFIG_FILE \(path): cannot be read")
        }
        guard data.count <= Self.sizeLimit else {
            throw ValidationError("NPS_CONFIG_FILE \(path): larger than \(Self.sizeLimit) bytes")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ValidationError("NPS_CONFIG_FILE \(path): not UTF-8")
        }
        try self.init(parsing: text, source: path)
    }

    init(parsing text: String, source: String) throws {
        var values: [String: String] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let place = "NPS_CONFIG_FILE \(source), line \(index + 1)"
            guard let equals = line.firstIndex(of: "=") else {
                throw ValidationError("\(place): expected KEY=value")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard Self.settings.contains(key) else {
                throw ValidationError(
                    "\(place): \(key.isEmpty ? "an empty key" : key) is not a setting (known: \(Self.settings.sorted().joined(separator: ", ")))"
                )
            }
            guard values[key] == nil else { throw ValidationError("\(place): \(key) is set twice") }
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            values[key] = value
        }
        self.values = values
    }
}
