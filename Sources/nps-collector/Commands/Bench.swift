import ArgumentParser

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks that print numbers. Each runs in a scratch database it drops afterwards.",
        subcommands: [
            BenchAppend.self, BenchIngest.self, BenchProject.self, BenchQuery.self, BenchReplay.self, BenchE2E.self,
            BenchPrivacy.self,
        ]
    )
}

/// A benchmark's sizes are checked before anything runs: zero or a negative
/// number would otherwise trap in a range or a division, after a scratch
/// database was made.
enum BenchOption {
    static func check(_ value: Int, _ flag: String, _ range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            throw ValidationError("--\(flag) must be from \(range.lowerBound) to \(range.upperBound)")
        }
    }
}
