import ArgumentParser
import CollectorServer
import EventStore
import Foundation
import Ingest
import NPSDomain

struct Quarantine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What the ingest could not accept: list, replay, discard.",
        subcommands: [List.self, Replay.self, Discard.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List entries, oldest first.")

        @Option(help: "held, replayed or discarded.")
        var status = "held"

        @Option(help: "At most this many.")
        var limit = 100

        @Flag(help: "One JSON object per line.")
        var json = false

        func run() async throws {
            let entries = try await EnvironmentSettings.withServices("nps-collector.quarantine") {
                try await $0.quarantine.list(status: status, limit: limit)
            }
            for entry in entries {
                if json {
                    print(try EventJSON.encode(entry))
                } else {
                    let place = entry.itemIndex.map { "item \($0)" } ?? "whole body"
                    print(
                        "\(entry.id)\t\(EventJSON.formatTimestamp(entry.receivedAt))\t\(entry.workspaceID ?? "-")\t"
                            + "\(entry.campaignID ?? "-")\t\(place)\t\(entry.reason)"
                    )
                }
            }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate an entry again (or its fixed version) and record it as a vote."
        )

        @Argument var id: Int64

        @Option(help: "The fixed vote as JSON, to use instead of the one held.")
        var item: String?

        func run() async throws {
            let corrected: JSONValue?
            if let item {
                do { corrected = try JSONValue.parse(Array(item.utf8)) } catch {
                    throw ValidationError("--item is not JSON: \(error)")
                }
            } else {
                corrected = nil
            }
            let outcome = try await EnvironmentSettings.withServices("nps-collector.quarantine") {
                try await $0.quarantine.replay(id: id, corrected: corrected)
            }
            switch outcome {
            case .recorded(let isRepeat): print(isRepeat ? "replayed \(id): a repeat" : "replayed \(id): recorded")
            case .stillInvalid(let reason): throw ValidationError("still invalid: \(reason)")
            case .notFound: throw ValidationError("no quarantine entry \(id)")
            case .notAnItem: throw ValidationError("entry \(id) is a whole body; fix it and send its votes again")
            case .alreadyResolved(let status): throw ValidationError("entry \(id) is already \(status)")
            }
        }
    }

    struct Discard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give up on an entry (it stays listed as discarded).")

        @Argument var id: Int64

        func run() async throws {
            let discarded = try await EnvironmentSettings.withServices("nps-collector.quarantine") {
                try await $0.quarantine.discard(id: id)
            }
            guard discarded else { throw ValidationError("no held entry \(id)") }
            print("discarded \(id)")
        }
    }
}
