import EventStore
import Foundation
import HTTPTypes
import Hummingbird
import Ingest
import Logging
import NPSDomain

/// `GET /s/{campaignId}` and `POST /s/{campaignId}`: a campaign's public
/// landing page (see docs/http-api.md, "Landing pages"). Every answer is HTML, errors
/// included; nothing a voter types is ever logged.
struct LandingPageController {
    let campaigns: CampaignStore
    let landing: LandingPageIngest
    let limiter: RateLimiter
    let trustedProxies: TrustedProxies
    let metrics: IngestMetrics

    /// The browser's random id (HttpOnly): the vote's identifier and the CSRF token derive from it.
    static let cookieName = "nps_browser"
    static let cookieDays = 180

    /// The fields of the form; anything else posted is ignored.
    struct Form: Decodable {
        var csrf: String?
        var score: String?
        var reason: String?
        var website: String?
        var firstName: String?
        var lastName: String?
        var email: String?
        var consent: String?
    }

    func register(on router: Router<CollectorRequestContext>) {
        router.get("s/{id}") { request, context in
            try await Self.rendered(context) { try await show(request, context: context) }
        }
        router.post("s/{id}") { request, context in
            try await Self.rendered(context) { try await answer(request, context: context) }
        }
        router.get("s/{id}/thanks") { _, context in
            let id = try context.parameters.require("id")
            return LandingPages.thanks(campaignID: id)
        }
    }

    /// The campaign whose landing page can take answers now, or the page saying why not.
    private func openCampaign(_ id: String) async throws -> Result<(Campaign, LandingPage), LandingRefusal> {
        guard Identifiers.isValid(id), let campaign = try await campaigns.campaign(id),
            let page = campaign.landingPage, page.enabled
        else { return .failure(.notFound) }
        switch campaign.state(at: campaigns.log.clock.now) {
        case .running: return .success((campaign, page))
        case .scheduled: return .failure(.notYetOpen(campaign.startAt))
        case .expired, .closed: return .failure(.closed)
        }
    }

    func show(_ request: Request, context: CollectorRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let (campaign, page): (Campaign, LandingPage)
        switch try await openCampaign(id) {
        case .success(let open): (campaign, page) = open
        case .failure(let refusal): return refusal.page
        }
        let (browserID, cookie) = browser(request)
        return LandingPages.form(
            campaignID: campaign.id, page: page,
            csrf: try await landing.csrfToken(browserID: browserID, campaignID: campaign.id),
            headers: [.setCookie: cookie])
    }

    func answer(_ request: Request, context: CollectorRequestContext) async throws -> Response {
        if let seconds = limiter.retryAfter(trustedProxies.client(of: request, context: context)) {
            return LandingPages.message(
                status: .tooManyRequests, title: "Too many answers",
                "Too many answers came from your network just now. Please try again in \(seconds) seconds.",
                headers: [.retryAfter: String(seconds)])
        }
        let id = try context.parameters.require("id")
        var request = request
        let body = try await request.bytes(upTo: Limits.landingFormBytes)
        let (campaign, page): (Campaign, LandingPage)
        switch try await openCampaign(id) {
        case .success(let open): (campaign, page) = open
        case .failure(let refusal): return refusal.page
        }
        guard let form = try? URLEncodedFormDecoder().decode(Form.self, from: String(decoding: body, as: UTF8.self))
        else {
            return LandingPages.message(
                status: .badRequest, title: "Unreadable answer", "The form could not be read. Please try again.")
        }
        // The form is only good with the cookie it was made for: a missing or other token is a forgery.
        guard let browserID = Self.browserID(in: request), let token = form.csrf,
            try await landing.verifyCSRF(token, browserID: browserID, campaignID: campaign.id)
        else {
            return LandingPages.message(
                status: .forbidden, title: "Please try again",
                "This form has expired or was not sent from this page. Open the survey again and answer there.")
        }
        // Bots fill every field; people never see this one. Answered like a success, stored nowhere.
        if let trap = form.website, !trap.isEmpty {
            context.logger.notice("landing page honeypot filled; nothing stored", metadata: ["campaign": "\(id)"])
            return Self.thanks(campaign.id)
        }
        var entry = LandingPages.Entry(score: form.score)
        if page.askReason { entry.reason = form.reason ?? "" }
        if page.askContact {
            entry.firstName = form.firstName ?? ""
            entry.lastName = form.lastName ?? ""
            entry.email = form.email ?? ""
            entry.consent = form.consent == "yes"
        }
        func refuse(_ reason: String) async throws -> Response {
            LandingPages.form(
                campaignID: campaign.id, page: page, csrf: token, entry: entry, error: reason,
                status: .unprocessableContent, headers: [:])
        }
        let trimmedReason = entry.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        // The score and reason are checked as a workspace's vote is.
        var item: [String: JSONValue] = [
            "identifier": .string(String(repeating: "0", count: 64)),
            "score": form.score.map(JSONValue.string) ?? .null,
        ]
        if !trimmedReason.isEmpty { item["comment"] = .string(trimmedReason) }
        let vote: VoteItem.Valid
        switch VoteItem.validate(.object(item), campaignID: campaign.id) {
        case .success(let valid): vote = valid
        case .failure(let rejection):
            return try await refuse(form.score == nil ? "Please choose a score from 0 to 10." : rejection.reason)
        }
        var contact: LandingContact?
        if page.askContact && entry.consent {
            switch LandingContact.validate(firstName: entry.firstName, lastName: entry.lastName, email: entry.email) {
            case .success(let valid): contact = valid
            case .failure(let rejection): return try await refuse(rejection.reason)
            }
        }
        let isRepeat = try await landing.record(
            LandingAnswer(
                campaignID: campaign.id, browserID: browserID, score: vote.score, reason: vote.comment,
                contact: contact, requestID: context.requestID))
        metrics.recordLandingVote(isRepeat: isRepeat)
        return Self.thanks(campaign.id)
    }

    /// Post/redirect/get: reloading the thanks page sends nothing again.
    static func thanks(_ campaignID: String) -> Response {
        Response(status: .seeOther, headers: [.location: "/s/\(HTML.urlComponent(campaignID))/thanks"])
    }

    /// The browser's id from its cookie, or a new one; and the cookie to (re)send.
    func browser(_ request: Request) -> (String, String) {
        let id = Self.browserID(in: request) ?? LandingPageIngest.newBrowserID()
        let secure = request.headers[.forwardedProto] == "https" || request.uri.scheme?.rawValue == "https"
        let cookie =
            "\(Self.cookieName)=\(id); Path=/s/; HttpOnly; SameSite=Lax; Max-Age=\(Self.cookieDays * 86_400)"
            + (secure ? "; Secure" : "")
        return (id, cookie)
    }

    static func browserID(in request: Request) -> String? {
        guard let value = request.cookies[cookieName]?.value, LandingPageIngest.isBrowserID(String(value)) else {
            return nil
        }
        return String(value)
    }

    /// A refused request (too large a body, a database outage) as a page rather than JSON.
    static func rendered(
        _ context: CollectorRequestContext, _ page: () async throws -> Response
    ) async throws -> Response {
        do {
            return try await page()
        } catch {
            let refused = ErrorMiddleware.classify(error)
            if refused.status.code >= 500 {
                context.logger.error(
                    "request failed",
                    metadata: [
                        "status": "\(refused.status.code)", "error": "\(ErrorMiddleware.safeDescription(error))",
                    ])
            }
            return LandingPages.message(
                status: refused.status, title: refused.status.reasonPhrase, refused.detail, headers: refused.headers)
        }
    }
}

/// Why a landing page takes no answers.
enum LandingRefusal: Error {
    case notFound
    case notYetOpen(Date)
    case closed

    var page: Response {
        switch self {
        case .notFound:
            LandingPages.message(
                status: .notFound, title: "Survey not found",
                "There is no survey at this address. Please check the link you were given.")
        case .notYetOpen(let start):
            LandingPages.message(
                status: .notFound, title: "Survey not open yet",
                "This survey opens on \(HTML.date(start)). Please come back then.")
        case .closed:
            LandingPages.message(
                status: .gone, title: "Survey closed", "This survey is closed. Thank you for your interest.")
        }
    }
}

extension HTTPField.Name {
    /// A trusted reverse proxy's client address list (see `LandingSettings.trustedProxies`).
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    /// `https` when a reverse proxy took the request over TLS: the browser cookie is then `Secure`.
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
}
