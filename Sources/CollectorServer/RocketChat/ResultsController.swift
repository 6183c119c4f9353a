import Hummingbird
import Ingest
import NPSDomain

/// `POST /v1/surveys/{npsId}/results`: batches of at most 1000 votes, sent
/// after the campaign expired. Rocket.Chat never sends a failed batch again,
/// so everything valid is kept and everything else quarantined.
struct ResultsController {
    let results: ResultsIngest
    let metrics: IngestMetrics

    func register(on router: RouterGroup<CollectorRequestContext>) {
        router.post("/v1/surveys/{npsId}/results") { request, context in
            var request = request
            let upload = ResultsUpload(
                workspaceID: try context.workspaceID,
                campaignID: try context.parameters.require("npsId"),
                body: try await request.bytes(upTo: Limits.resultsBodyBytes),
                requestID: context.requestID
            )
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
            }
        }
    }
}
