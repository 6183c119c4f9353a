import ArgumentParser
import NIOHTTP1
import Simulation
import Synchronization

/// Results uploads sent at a steady rate over a few keep-alive connections,
/// each due at its own time from the start, so that a slow answer delays
/// one connection, not the rate: what `bench project` measures the lag
/// under and `bench query` measures answers under.
final class PacedUploads: Sendable {
    let port: Int
    let campaignID: String
    let uploads: [ResultsUploads.Upload]
    /// The workspaces' tokens, by `Upload.workspace`.
    let tokens: [String]
    let uploadsPerSecond: Int
    let connections = 4
    private let answered = Atomic<Int>(0)

    init(port: Int, campaignID: String, uploads: [ResultsUploads.Upload], tokens: [String], uploadsPerSecond: Int) {
        self.port = port
        self.campaignID = campaignID
        self.uploads = uploads
        self.tokens = tokens
        self.uploadsPerSecond = uploadsPerSecond
    }

    /// The uploads answered so far, for whoever measures meanwhile.
    var answeredUploads: Int { answered.load(ordering: .relaxed) }

    /// Sends them all; returns how long it took.
    func run() async throws -> Duration {
        let started = ContinuousClock.now
        let route = "/v1/surveys/\(campaignID)/results"
        try await withThrowingTaskGroup(of: Void.self) { group in
            for connection in 0..<connections {
                group.addTask { [self] in
                    try await HTTPConnection.withConnection(port: port) { send in
                        for index in stride(from: connection, to: uploads.count, by: connections) {
                            // Upload `index` is due at index / uploadsPerSecond seconds.
                            try await Task.sleep(
                                until: started + .milliseconds(index * 1_000 / uploadsPerSecond), clock: .continuous)
                            let upload = uploads[index]
                            let headers = HTTPHeaders([
                                ("Authorization", "Bearer \(tokens[upload.workspace])"),
                                ("Content-Type", "application/json"),
                            ])
                            let answer = try await send(.POST, route, headers, upload.body)
                            guard answer.status == .ok else {
                                throw ValidationError("upload answered \(answer.status.code)")
                            }
                            answered.add(1, ordering: .relaxed)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        return ContinuousClock.now - started
    }
}
