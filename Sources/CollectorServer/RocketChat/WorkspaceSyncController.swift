import EventStore
import Foundation
import Hummingbird
import Ingest
import NPSDomain

/// The periodic cloud sync of Rocket.Chat servers: 6.x posts to
/// `/api/v3/comms/workspace`; older versions (and 6.x as a fallback) post to
/// `{Cloud_Workspace_Registration_Client_Uri}/client`, which we hand out as
/// `/api/v2/workspaces/{workspaceId}`. Both bodies are the workspace's
/// registration data (7.x/8.x: the whole registration record, personal data
/// included), of which we read `uniqueId`, `npsEnabled` and the non-personal
/// facts of `WorkspaceProfile(sync:)`; nothing else of it is kept.
struct WorkspaceSyncController {
    let workspaces: WorkspaceService

    /// `nps` of both answers: ISO-8601 date-times with a trailing `Z`, as
    /// zod's `datetime()` (comms) and suretype's `date-time` (legacy) demand.
    struct Announcement: Encodable {
        var id: String
        var startAt: Date
        var expireAt: Date
    }

    /// `{create: [], delete: []}`: the legacy answer's schema (6.x/7.x)
    /// requires both lists; we announce nothing but the campaign.
    struct Announcements: Encodable {
        var create: [JSONValue] = []
        var delete: [JSONValue] = []
    }

    /// `nps` is left out when there is no campaign, never `null`: the legacy
    /// schema types it as an object (a `null` fails the check and aborts the
    /// sync run), and the comms schema takes it absent as well as null.
    struct CommsAnswer: Encodable {
        var workspaceId: String
        var nps: Announcement?
        var announcements = Announcements()
    }

    /// The legacy `/client` answer: 6.x/7.x check it against a schema
    /// requiring `workspaceId`, `nps`, `banners` and `announcements`; a
    /// mismatch throws "Invalid response from Rocket.Chat Cloud" and skips
    /// the licence step of that sync run.
    struct LegacyAnswer: Encodable {
        var workspaceId: String
        var nps: Announcement?
        var banners: [JSONValue] = []
        var announcements = Announcements()
    }

    func register(on router: RouterGroup<CollectorRequestContext>) {
        router.post("/api/v3/comms/workspace") { request, context in
            var request = request
            let campaign = try await sync(try await request.json(upTo: Limits.otherBodyBytes), context: context)
            return try jsonResponse(CommsAnswer(workspaceId: try context.workspaceID, nps: campaign))
        }
        router.post("/api/v2/workspaces/{workspaceId}/client") { request, context in
            var request = request
            guard try context.parameters.require("workspaceId") == context.workspaceID else {
                throw APIError.forbidden("a workspace token may only sync its own workspace")
            }
            let campaign = try await sync(try await request.json(upTo: Limits.otherBodyBytes), context: context)
            return try jsonResponse(LegacyAnswer(workspaceId: try context.workspaceID, nps: campaign))
        }
    }

    private func sync(_ body: JSONValue, context: CollectorRequestContext) async throws -> Announcement? {
        guard case .object = body else { throw APIError.unprocessable("the sync body must be a JSON object") }
        let workspaceID = try context.workspaceID
        if let uniqueID = body["uniqueId"]?.stringValue, uniqueID != workspaceID {
            throw APIError.forbidden("uniqueId \(uniqueID.prefix(64)) is not the token's workspace")
        }
        let campaign = try await workspaces.sync(
            workspaceID: workspaceID,
            npsEnabled: Self.flag(body["npsEnabled"]),
            // An allow-list of non-personal members: contact data and the like are never read.
            profile: WorkspaceProfile(sync: body),
            metadata: .init(
                sender: workspaceID, requestID: context.requestID,
                sourceVersion: body["version"]?.replacingNUL.stringValue)
        )
        return campaign.map { Announcement(id: $0.id, startAt: $0.startAt, expireAt: $0.expireAt) }
    }

    /// `npsEnabled` is the setting's raw value: a boolean, though typed as a string upstream.
    static func flag(_ value: JSONValue?) -> Bool? {
        switch value {
        case .bool(let flag): flag
        case .string("true"): true
        case .string("false"): false
        default: nil
        }
    }
}
