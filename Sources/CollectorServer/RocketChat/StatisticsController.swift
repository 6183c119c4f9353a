import Hummingbird
import Ingest
import NPSDomain

/// `POST /`: the statistics document Rocket.Chat sends hourly (3.x) or daily
/// (6.x–8.x), with a bearer token only when the workspace is registered.
///
/// The route must stay open to unregistered workspaces, so a report without a
/// token is bounded three ways (limits in `Limits`): a smaller body, a rate
/// per client address (`NPS_TRUSTED_PROXIES` rules, as the landing page) and
/// a rate per `uniqueId`. Reports with a workspace token are not rate limited.
struct StatisticsController {
    let statistics: StatisticsIngest
    let unverifiedLimits: UnverifiedStatisticsLimits

    struct Answer: Encodable {
        var statsToken: String
    }

    func register(on router: RouterGroup<CollectorRequestContext>) {
        router.post("/") { request, context in
            var request = request
            if let identity = context.identity, identity.scope != .workspace {
                throw APIError.forbidden("statistics are reported with a workspace token or none")
            }
            let verified = context.identity != nil
            if !verified { try unverifiedLimits.admitClient(request, context: context) }
            let document = try await request.json(
                upTo: verified ? Limits.statisticsBodyBytes : Limits.unverifiedStatisticsBodyBytes)
            if !verified { try unverifiedLimits.admitWorkspace(document["uniqueId"]?.stringValue) }
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
