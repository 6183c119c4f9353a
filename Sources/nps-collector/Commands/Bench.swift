import ArgumentParser

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks that print numbers. Each runs in a scratch database it drops afterwards.",
        subcommands: [
            BenchAppend.self, BenchIngest.self, BenchProject.self, BenchQuery.self, BenchReplay.self, BenchE2E.self,
        ]
    )
}
