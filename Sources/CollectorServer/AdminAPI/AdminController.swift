import EventStore
import Foundation
import Hummingbird
import Ingest
import NPSDomain

/// The admin API (`/api/v1`, admin token): campaigns, workspaces, tokens, quarantine.
struct AdminController {
    let campaigns: CampaignStore
    let workspaces: WorkspaceService
    let tokens: TokenStore
    let quarantine: QuarantineStore
    let landing: LandingPageIngest

    struct AnnounceRequest: Decodable {
        var id: String
        var startAt: Date
        var expireAt: Date
        var roles: [String]?
        var question: String?
        var allowShortNotice: Bool?
        var landingPage: LandingPageRequest?
    }

    /// `{enabled, question, askReason, askContact}`: enabled and askReason default to true, askContact to false.
    struct LandingPageRequest: Decodable {
        var enabled: Bool?
        var question: String?
        var askReason: Bool?
        var askContact: Bool?

        var landingPage: LandingPage {
            LandingPage(
                enabled: enabled ?? true, question: question, askReason: askReason ?? true,
                askContact: askContact ?? false)
        }
    }

    struct CampaignAnswer: Encodable {
        var id: String
        var startAt: Date
        var expireAt: Date
        var roles: [String]
        var state: Campaign.State
        var landingPage: LandingPage?
    }

    struct RegisterRequest: Decodable {
        var workspaceId: String
    }

    struct TokenRequest: Decodable {
        var scope: Scope
        var label: String?
    }

    struct ReplayRequest: Decodable {
        var item: JSONValue?
    }

    func register(on group: RouterGroup<CollectorRequestContext>) {
        group.post("campaigns") { request, context in
            var request = request
            let body = try await request.decoded(AnnounceRequest.self)
            let campaign = try await ruled {
                try await campaigns.announce(
                    .init(
                        id: body.id,
                        startAt: body.startAt,
                        expireAt: body.expireAt,
                        roles: body.roles,
                        question: body.question,
                        landingPage: body.landingPage?.landingPage
                    ),
                    allowShortNotice: body.allowShortNotice ?? false,
                    metadata: .init(sender: "admin-api", requestID: context.requestID)
                )
            }
            return try jsonResponse(Self.answer(campaign, now: campaigns.log.clock.now), status: .created)
        }
        group.post("campaigns/{id}/close") { _, context in
            let id = try context.parameters.require("id")
            try await ruled {
                try await campaigns.close(id, metadata: .init(sender: "admin-api", requestID: context.requestID))
            }
            guard let campaign = try await campaigns.campaign(id) else { throw APIError.notFound("no campaign \(id)") }
            return try jsonResponse(Self.answer(campaign, now: campaigns.log.clock.now))
        }
        group.put("campaigns/{id}/landing-page") { request, context in
            var request = request
            let id = try context.parameters.require("id")
            let body = try await request.decoded(LandingPageRequest.self)
            try await ruled {
                try await campaigns.configureLandingPage(
                    id, body.landingPage, metadata: .init(sender: "admin-api", requestID: context.requestID))
            }
            guard let campaign = try await campaigns.campaign(id) else { throw APIError.notFound("no campaign \(id)") }
            return try jsonResponse(Self.answer(campaign, now: campaigns.log.clock.now))
        }
        // Contact details left on the landing page: admin tokens only, never in an analyst route or export.
        group.get("campaigns/{id}/contacts") { _, context in
            let id = try context.parameters.require("id")
            guard Identifiers.isValid(id), try await campaigns.campaign(id) != nil else {
                throw APIError.notFound("no campaign \(id)")
            }
            var response = try jsonResponse(try await landing.contacts(of: id))
            response.headers[.cacheControl] = "private, no-store"
            return response
        }
        group.post("workspaces") { request, context in
            var request = request
            let body = try await request.decoded(RegisterRequest.self)
            do {
                let token = try await workspaces.register(
                    body.workspaceId,
                    metadata: .init(sender: "admin-api", requestID: context.requestID)
                )
                return try jsonResponse(token, status: .created)
            } catch let error as InvalidWorkspaceID {
                throw APIError.unprocessable(error.description)
            }
        }
        group.post("tokens") { request, _ in
            var request = request
            let body = try await request.decoded(TokenRequest.self)
            guard (body.label ?? "").unicodeScalars.count <= Limits.labelLength else {
                throw APIError.unprocessable("label is at most \(Limits.labelLength) characters")
            }
            guard body.scope != .workspace else {
                throw APIError.unprocessable(
                    "workspace tokens are issued by registering the workspace (POST /api/v1/workspaces)")
            }
            return try jsonResponse(
                try await tokens.create(scope: body.scope, label: body.label ?? ""), status: .created)
        }
        group.delete("tokens/{id}") { _, context in
            guard let id = UUID(uuidString: try context.parameters.require("id")) else {
                throw APIError.notFound("no such token")
            }
            guard try await tokens.revoke(id: id) else { throw APIError.notFound("no live token with that id") }
            return Response(status: .noContent)
        }
        group.get("quarantine") { request, _ in
            let status = request.uri.queryParameters.get("status") ?? "held"
            guard ["held", "replayed", "discarded"].contains(status) else {
                throw APIError.unprocessable("status is held, replayed or discarded")
            }
            let limit = request.uri.queryParameters.get("limit").map { Int($0) ?? 0 } ?? 100
            guard (1...1_000).contains(limit) else {
                throw APIError.unprocessable("limit is a whole number from 1 to 1000")
            }
            return try jsonResponse(try await quarantine.list(status: status, limit: limit))
        }
        group.post("quarantine/{id}/replay") { request, context in
            var request = request
            guard let id = Int64(try context.parameters.require("id")) else { throw APIError.notFound("no such entry") }
            let body = try await request.bytes(upTo: Limits.otherBodyBytes)
            let corrected = body.isEmpty ? nil : try Request.decode(ReplayRequest.self, from: body).item
            switch try await quarantine.replay(id: id, corrected: corrected) {
            case .recorded(let isRepeat):
                return try jsonResponse(["outcome": isRepeat ? "repeat" : "accepted"])
            case .stillInvalid(let reason):
                throw APIError.unprocessable("still invalid: \(reason)")
            case .notFound:
                throw APIError.notFound("no quarantine entry \(id)")
            case .notAnItem:
                throw APIError.unprocessable("entry \(id) is a whole body, not a vote; fix it and send the votes again")
            case .alreadyResolved(let status):
                throw APIError.conflict("entry \(id) is already \(status)")
            }
        }
    }

    static func answer(_ campaign: Campaign, now: Date) -> CampaignAnswer {
        CampaignAnswer(
            id: campaign.id,
            startAt: campaign.startAt,
            expireAt: campaign.expireAt,
            roles: campaign.roles,
            state: campaign.state(at: now),
            landingPage: campaign.landingPage
        )
    }

    /// Campaign rule violations are the caller's to fix: 409 for conflicts with what exists, 422 otherwise.
    private func ruled<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let violation as CampaignRuleViolation {
            switch violation {
            case .alreadyExists, .overlaps, .alreadyClosed: throw APIError.conflict(violation.description)
            case .unknown: throw APIError.notFound(violation.description)
            default: throw APIError.unprocessable(violation.description)
            }
        }
    }
}

extension Request {
    /// A JSON body decoded into `T`: 400 when it is not JSON (saying where), 422 when it has the wrong shape.
    mutating func decoded<T: Decodable>(_ type: T.Type) async throws -> T {
        try Self.decode(type, from: try await bytes(upTo: Limits.otherBodyBytes))
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw APIError.badRequest("malformed JSON: \(error)")
        }
        guard !value.containsNUL else { throw APIError.unprocessable("strings must not contain U+0000") }
        do {
            return try EventJSON.decode(type, from: String(decoding: bytes, as: UTF8.self))
        } catch let error as DecodingError {
            throw APIError.unprocessable(Self.describe(error))
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the body" : keys.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return parent == "the body" ? "\(key.stringValue) is required" : "\(parent).\(key.stringValue) is required"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)) has the wrong type"
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "the body has the wrong shape"
        }
    }
}
