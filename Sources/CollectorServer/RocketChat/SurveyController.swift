import EventStore
import Foundation
import Hummingbird
import Ingest
import NPSDomain

/// `GET /v1/surveys/{npsId}`: what the workspace turns into a banner on the
/// campaign's start day. The only sign that the survey was shown.
struct SurveyController {
    let workspaces: WorkspaceService

    struct Survey: Encodable {
        var id: String
        var platform: [String]
        var roles: [String]
        var survey: JSONValue
        var createdAt: Date
        var startAt: Date
        var expireAt: Date
    }

    func register(on router: RouterGroup<CollectorRequestContext>) {
        router.get("/v1/surveys/{npsId}") { _, context in
            let campaignID = try context.parameters.require("npsId")
            let campaign: Campaign
            switch try await workspaces.surveyFetched(
                workspaceID: try context.workspaceID,
                campaignID: campaignID,
                metadata: .init(sender: try context.workspaceID, requestID: context.requestID)
            ) {
            case .survey(let fetched): campaign = fetched
            case .unknownCampaign: throw APIError.notFound("no campaign \(campaignID.prefix(128))")
            case .optedOut:
                throw APIError.notFound("the workspace turned NPS surveys off; no campaign is shown to it")
            }
            return try jsonResponse(
                Survey(
                    id: campaign.id,
                    platform: ["web", "mobile"],
                    roles: campaign.roles,
                    survey: campaign.survey,
                    createdAt: campaign.announcedAt,
                    startAt: campaign.startAt,
                    expireAt: campaign.expireAt
                )
            )
        }
    }
}
