import EventStore
import Foundation
import NPSDomain

/// Deterministic vote-sized events for benchmarks.
enum VoteFixtures {
    struct Batch: Sendable {
        var stream: String
        var firstVersion: Int64
        var events: [NewEvent]
    }

    static let comments = [
        nil, "", "Great product, the new threads make our team much faster.",
        "Search is slow on large rooms 🙁", "Ça marche bien, merci !", "通知が多すぎます",
        "I'd recommend it, but the mobile app \"forgets\" my login.",
    ]

    static func batches(events: Int, batchSize: Int, streams: Int) throws -> [Batch] {
        var generator = SplitMix64(seed: 42)
        var versions = [Int64](repeating: 0, count: streams)
        var batches: [Batch] = []
        var made = 0
        while made < events {
            let count = min(batchSize, events - made)
            let streamIndex = batches.count % streams
            let campaign = "campaign-\(streamIndex % 2)"
            let workspace = "workspace-\(streamIndex)"
            let stream = VoteCast.streamID(campaignID: campaign, workspaceID: workspace)
            var batch = Batch(stream: stream, firstVersion: versions[streamIndex] + 1, events: [])
            batch.events.reserveCapacity(count)
            for _ in 0..<count {
                let vote = VoteCast(
                    campaignID: campaign,
                    workspaceID: workspace,
                    identifier: hex(&generator, bytes: 32),
                    roles: generator.next() % 5 == 0 ? ["admin", "user"] : ["user"],
                    score: Int(generator.next() % 11),
                    comment: comments[Int(generator.next() % UInt64(comments.count))]
                )
                // As the ingest writes them: the sender is the metadata of the upload's ResultsReceived.
                batch.events.append(try NewEvent(vote))
            }
            versions[streamIndex] += Int64(count)
            made += count
            batches.append(batch)
        }
        return batches
    }

    /// The batch in COPY's text format, with the columns of `BenchAppend`.
    static func copyText(_ batch: Batch) -> String {
        var text = ""
        for (offset, event) in batch.events.enumerated() {
            let fields = [
                event.id.uuidString, batch.stream, String(batch.firstVersion + Int64(offset)), event.type,
                String(event.schemaVersion), event.payload, event.metadata,
            ]
            text += fields.map(escapeCopyField).joined(separator: "\t")
            text += "\n"
        }
        return text
    }

    private static func escapeCopyField(_ field: String) -> String {
        var escaped = ""
        for character in field {
            switch character {
            case "\\": escaped += "\\\\"
            case "\t": escaped += "\\t"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// `bytes` (a multiple of 8) drawn as 64-bit words, written most significant byte first.
    static func hex(_ generator: inout SplitMix64, bytes: Int) -> String {
        (0..<(bytes / 8)).flatMap { _ in withUnsafeBytes(of: generator.next().bigEndian, Array.init) }.lowercaseHex
    }
}
