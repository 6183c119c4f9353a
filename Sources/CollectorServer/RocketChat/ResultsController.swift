import Hummingbird
import Ingest
import NPSDomain

/// `POST /v1/surveys/{npsId}/results`: batches of at most 1000 votes, sent
/// after the campaign expired. Rocket.Chat never sends a failed batch again,
/// so everything valid is kept and everything else quarantined.
struct ResultsController {
    let results: ResultsIngest
    let metrics: IngestMetrics
    var inFlight = UploadsInFlight(limit: Limits.concurrentUploadsPerWorkspace)

    func register(on router: RouterGroup<CollectorRequestContext>) {
        router.post("/v1/surveys/{npsId}/results") { request, context in
            var request = request
            let workspaceID = try context.workspaceID
            // Counted before the body is read: a slow client holds its place too.
            guard inFlight.enter(workspaceID) else {
                throw APIError(
                    status: .tooManyRequests,
                    detail: "\(Limits.concurrentUploadsPerWorkspace) uploads of this workspace are in flight already",
                    headers: [.retryAfter: String(Limits.concurrentUploadsRetryAfterSeconds)])
            }
            defer { inFlight.leave(workspaceID) }
            let upload = ResultsUpload(
                workspaceID: workspaceID,
                campaignID: try context.parameters.require("npsId"),
                body: try await request.bytes(upTo: Limits.resultsBodyBytes),
                requestID: context.requestID
            )
            // No campaign can have an id past the limits, so nothing is kept for one (an index
            // cannot hold a 3 KB key anyway): refused whole, as a mistyped route would be.
            guard Identifiers.isValid(upload.campaignID) else {
                throw APIError.unprocessable(
                    "a campaign id is 1 to \(Limits.idLength) letters, digits, '-', '_' or '.'; nothing was kept")
            }
            let started = ContinuousClock.now
            let outcome = try await results.ingest(upload)
            metrics.recordUpload(outcome, duration: ContinuousClock.now - started)
            switch outcome {
            case .recorded(let answer):
                return try jsonResponse(answer)
            case .unknownCampaign(let quarantined):
                throw APIError(
                    status: .notFound,
                    detail: "no campaign \(upload.campaignID.prefix(128)); the votes are kept in quarantine",
                    extra: ["quarantined": quarantined]
                )
            case .notStarted(let startAt, let quarantined):
                throw APIError(
                    status: .conflict,
                    detail:
                        "campaign \(upload.campaignID.prefix(128)) starts at \(EventJSON.formatTimestamp(startAt)); "
                        + "the votes are kept in quarantine",
                    extra: ["quarantined": quarantined]
                )
            case .unreadable(let error):
                throw APIError.badRequest("malformed JSON: \(error); the body is kept in quarantine")
            case .wrongShape(let reason):
                throw APIError.unprocessable("\(reason); the body is kept in quarantine")
            case .tokenRevoked:
                throw APIError.unauthorized("the workspace's token was revoked (purged) meanwhile; nothing was kept")
            }
        }
    }
}
