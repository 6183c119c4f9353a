import Hummingbird
import Ingest
import NPSDomain

/// `POST /`: the statistics document Rocket.Chat sends hourly (3.x) or daily
/// (6.x), with a bearer token only when the workspace is registered.
struct StatisticsController {
    let statistics: StatisticsIngest

    struct Answer: Encodable {
        var statsToken: String
    }

    func register(on router: RouterGroup<CollectorRequestContext>) {
        router.post("/") { request, context in
            var request = request
            if let identity = context.identity, identity.scope != .workspace {
                throw APIError.forbidden("statistics are reported with a workspace token or none")
            }
            let document = try await request.json(upTo: Limits.statisticsBodyBytes)
            switch try await statistics.report(
                document, reporter: context.identity?.workspaceID, requestID: context.requestID)
            {
            case .recorded(let statsToken):
                return try jsonResponse(Answer(statsToken: statsToken))
            case .wrongShape(let reason):
                throw APIError.unprocessable(reason)
            case .foreignWorkspace:
                throw APIError.forbidden("uniqueId is not the token's workspace")
            }
        }
    }
}
