import Ingest
import Metrics

/// The ingest's own figures, next to the per-route request counts (`RequestMetricsMiddleware`).
struct IngestMetrics: Sendable {
    private let accepted = Counter(label: "nps_votes_total", dimensions: [("outcome", "accepted")])
    private let repeated = Counter(label: "nps_votes_total", dimensions: [("outcome", "repeat")])
    private let quarantined = Counter(label: "nps_votes_total", dimensions: [("outcome", "quarantined")])
    /// The whole results transaction: votes, ResultsReceived and quarantine.
    private let appendDuration = Timer(label: "nps_results_append_seconds", preferredDisplayUnit: .seconds)

    /// A landing-page answer counts as one vote of an upload.
    func recordLandingVote(isRepeat: Bool) {
        (isRepeat ? repeated : accepted).increment()
    }

    func recordUpload(_ outcome: ResultsOutcome, duration: Duration) {
        switch outcome {
        case .recorded(let answer):
            accepted.increment(by: answer.accepted)
            repeated.increment(by: answer.repeats)
            quarantined.increment(by: answer.quarantined.count)
            appendDuration.record(duration: duration)
        case .unknownCampaign(let count), .notStarted(_, let count):
            quarantined.increment(by: count)
        case .unreadable, .wrongShape, .tokenRevoked:
            break
        }
    }
}
