import ArgumentParser
import EventStore

/// What this process would run with: each setting, where it comes from, and
/// its value, with database passwords and the metrics token hidden. For the operator who asks
/// "which configuration is it reading?".
struct Settings: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Print every setting, its source (environment, NPS_CONFIG_FILE or unset) and value; passwords and the metrics token hidden."
    )

    func run() throws {
        for name in ConfigurationFile.settings.sorted() {
            let source =
                EnvironmentSettings.value(name) == nil
                ? "unset" : (EnvironmentSettings.isFromEnvironment(name) ? "environment" : "file")
            var shown = EnvironmentSettings.value(name) ?? ""
            if name == "NPS_METRICS_TOKEN", !shown.isEmpty { shown = "(set, hidden)" }
            if name.hasSuffix("DATABASE_URL"), !shown.isEmpty {
                shown = (try? DatabaseURL(shown).description) ?? "(not a valid database URL)"
            }
            print([name, source, shown].joined(separator: "\t"))
        }
    }
}
