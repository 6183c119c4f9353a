import CollectorServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import NPSDomain
import PostgresNIO
import TestSupport
import Testing

/// The dashboard in a real browser (headless Chromium) against a real
/// server process, on the query API scenario; screenshots go to
/// `.build/dashboard-screenshots/`.
@Suite("Dashboard")
struct DashboardTests {
    static let screenshots = DatabaseTool.projectDirectory.appending(path: ".build/dashboard-screenshots")

    @Test("sign-in, overview, campaign and workspace pages in headless Chromium")
    func browser() async throws {
        // The dashboard is served by a process of its own, on the system clock: the collector here starts at the same time.
        try await Collector.with(workspaces: ["ws1", "ws2", "ws3", "ws4"], clock: SimulatedClock()) { collector in
            try await QueryAPIScenarioTests.ingest(collector)
            let analyst = try await collector.services.tokens.create(scope: .analyst).token
            let server = try await ServerProcess.start(collector.database)
            defer { server.stop() }
            let browser = try HeadlessChromium()

            // Without the cookie every page sends the browser to the sign-in form.
            try browser.open(server.baseURL + "/")
            #expect(try browser.evaluate("location.pathname") == "/dashboard/sign-in")
            _ = try browser.evaluate(
                """
                document.querySelector('#token').value = \(try EventJSON.encode(analyst));
                document.querySelector('form.signin').submit(); true
                """)
            try browser.waitForLoad()
            #expect(try browser.evaluate("location.pathname") == "/")
            #expect(try browser.evaluate("document.cookie") == "", "the token cookie must be HttpOnly")

            // Overview: NPS and votes per campaign, and the trend chart with one point each.
            #expect(
                try browser.evaluate(
                    "[...document.querySelectorAll('#campaigns tbody tr')].map(r => r.dataset.campaign).join()")
                    == "c1,c2")
            #expect(
                try browser.evaluate(
                    "document.querySelector('#campaigns tbody tr').textContent.includes('+7.7')") == true)
            #expect(try browser.evaluate("document.querySelectorAll('#trend-chart circle').length") == 2)
            #expect(try browser.evaluate("document.querySelectorAll('script, link[rel=stylesheet]').length") == 0)
            try browser.screenshot(to: Self.screenshots.appending(path: "overview.png"))

            // Campaign c1: the figures worked out in QueryAPIScenarioTests.
            try browser.open(server.baseURL + "/dashboard/campaigns/c1")
            #expect(try browser.evaluate("document.querySelector('#nps').textContent") == "+7.7")
            #expect(try browser.evaluate("document.querySelector('#votes').textContent") == "13")
            #expect(
                try browser.evaluate(
                    "[...document.querySelectorAll('#distribution-chart rect')].map(r => r.dataset.count).join()")
                    == "1,0,1,1,0,1,1,1,1,4,2")
            #expect(
                try browser.evaluate(
                    "[...document.querySelectorAll('#distribution-chart rect')].map(r => r.getAttribute('fill')).join()"
                )
                    == .string(
                        (Array(repeating: "#b42318", count: 7) + ["#d4a300", "#d4a300", "#1b7f3b", "#1b7f3b"])
                            .joined(separator: ",")))
            #expect(
                try browser.evaluate(
                    "[...document.querySelectorAll('#category-bar rect')].map(r => r.dataset.percent).join()")
                    == "46,15,39")
            #expect(
                try browser.evaluate(
                    "document.querySelector('tr[data-role=admin]').textContent.includes('below threshold')")
                    == true)
            // user is withheld (the 2 votes without it would be the campaign minus user); moderator is shown.
            #expect(
                try browser.evaluate("document.querySelector('tr[data-role=user]').textContent.includes('withheld')")
                    == true)
            #expect(
                try browser.evaluate("document.querySelector('tr[data-role=moderator]').textContent.includes('16.7')")
                    == true)
            #expect(
                try browser.evaluate("document.querySelector('tr[data-workspace=ws1]').textContent.includes('+16.7')")
                    == true)
            #expect(
                try browser.evaluate(
                    "document.querySelector('tr[data-workspace=ws2]').textContent.includes('withheld')")
                    == true)
            // Every comment is listed (ws3's too), none with its workspace.
            #expect(try browser.evaluate("document.querySelectorAll('.comment').length") == 6)
            #expect(
                try browser.evaluate(
                    "[...document.querySelectorAll('.comment')].some(c => c.textContent.includes('ws'))") == false)
            try browser.screenshot(to: Self.screenshots.appending(path: "campaign.png"))

            // Comments filtered by category, and the workspace table sorted, through plain links.
            let detractorLink = try browser.evaluate(
                "[...document.querySelectorAll('nav.filters a')].find(a => a.textContent == 'detractors').href")
            try browser.open(try #require(detractorLink.stringValue))
            #expect(
                try browser.evaluate("[...document.querySelectorAll('.comment')].map(c => c.dataset.category).join()")
                    == "detractor,detractor")
            try browser.open(server.baseURL + "/dashboard/campaigns/c1?sort=nps&order=asc")
            #expect(
                try browser.evaluate(
                    "[...document.querySelectorAll('#workspaces tbody tr')].map(r => r.dataset.workspace).join()")
                    == "ws1,ws2,ws3")

            // On a phone the page fits the screen's width (wide tables scroll inside their box).
            try browser.setViewport(width: 390, height: 844, mobile: true)
            try browser.open(server.baseURL + "/dashboard/campaigns/c1")
            #expect(try browser.evaluate("document.documentElement.scrollWidth <= window.innerWidth") == true)
            try browser.screenshot(to: Self.screenshots.appending(path: "campaign-phone.png"))
            try browser.setViewport(width: 1280, height: 900, mobile: false)

            // Workspace pages: history per campaign and the setting.
            try browser.open(server.baseURL + "/dashboard/workspaces/ws1")
            #expect(try browser.evaluate("document.querySelectorAll('#history tbody tr').length") == 2)
            #expect(try browser.evaluate("document.querySelectorAll('#workspace-trend circle').length") == 2)
            try browser.screenshot(to: Self.screenshots.appending(path: "workspace.png"))
            try browser.open(server.baseURL + "/dashboard/workspaces/ws4")
            #expect(try browser.evaluate("document.querySelector('#setting').textContent") == "off")

            #expect(browser.errors.isEmpty, "\(browser.errors)")
        }
    }

    @Test("the segments page in headless Chromium: bars, the campaign's line, the table with q, a flagged row")
    func segmentsPage() async throws {
        let fleet = SegmentBreakdownTests.fleet
        try await Collector.with(workspaces: fleet.map(\.workspace), clock: SimulatedClock()) { collector in
            try await collector.campaign("c1")
            var number = 0
            for (workspace, version, scores) in fleet {
                try await SegmentBreakdownTests.report(collector, workspace, version: version)
                number = try await SegmentBreakdownTests.vote(collector, "c1", workspace, scores, from: number)
            }
            try await ProjectionCatchUp.untilCurrent(collector.database)
            let analyst = try await collector.services.tokens.create(scope: .analyst).token
            let server = try await ServerProcess.start(collector.database)
            defer { server.stop() }
            let browser = try HeadlessChromium()
            try browser.open(server.baseURL + "/")
            _ = try browser.evaluate(
                """
                document.querySelector('#token').value = \(try EventJSON.encode(analyst));
                document.querySelector('form.signin').submit(); true
                """)
            try browser.waitForLoad()

            // From the campaign page, and its workspaces labelled by their profile.
            try browser.open(server.baseURL + "/dashboard/campaigns/c1")
            #expect(
                try browser.evaluate(
                    "document.querySelector('tr[data-workspace=ws1]').textContent.includes('6.1 · 11-50 users')")
                    == true)
            let link = try browser.evaluate("document.querySelector('#segments-link').href")
            try browser.open(try #require(link.stringValue))
            // The figures of SegmentBreakdownTests (k = 5): 7.2 (15 votes, q 0.0045, flagged), then 6.1.
            #expect(
                try browser.evaluate(
                    "[...document.querySelectorAll('#segments tbody tr')].map(r => r.dataset.segment).join()")
                    == "7.2,6.1")
            #expect(
                try browser.evaluate(
                    "[...document.querySelectorAll('#segments tbody tr.flagged')].map(r => r.dataset.segment).join()")
                    == "7.2")
            #expect(
                try browser.evaluate(
                    "[...document.querySelectorAll('#segments-chart rect')].map(r => Math.round(r.dataset.nps)).join()")
                    == "-27,40")
            #expect(try browser.evaluate("document.querySelectorAll('#segments-chart #reference').length") == 1)
            #expect(try browser.evaluate("document.querySelector('#design-effect').textContent") == "1.48")
            #expect(
                try browser.evaluate("document.querySelector('#clustered-interval').textContent") == "-29.9 … +35.5")
            // Every other dimension is a link away.
            #expect(try browser.evaluate("document.querySelectorAll('#dimensions a').length") == 9)
            try browser.screenshot(to: Self.screenshots.appending(path: "segments.png"))
            #expect(browser.errors.isEmpty, "\(browser.errors)")
        }
    }

    @Test("the sign-in cookie is HttpOnly and SameSite=Strict; workspace tokens and strangers are turned away")
    func signIn() async throws {
        try await Collector.with { collector in
            let analyst = try await collector.services.tokens.create(scope: .analyst).token
            let signIn = try await collector.request(
                .post, "/dashboard/sign-in", contentType: "application/x-www-form-urlencoded",
                body: "token=\(analyst)")
            #expect(signIn.status == .seeOther)
            #expect(signIn.headers[.location] == "/")
            let cookie = try #require(signIn.headers[.setCookie])
            #expect(cookie.hasPrefix("nps_session=") && !cookie.contains(analyst))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            #expect(!cookie.contains("Secure"), "the test's request did not come over TLS")

            let workspace = try await collector.request(
                .post, "/dashboard/sign-in", contentType: "application/x-www-form-urlencoded",
                body: "token=\(collector.token())")
            #expect(workspace.status == .forbidden && workspace.headers[.setCookie] == nil)
            let unknown = try await collector.request(
                .post, "/dashboard/sign-in", contentType: "application/x-www-form-urlencoded", body: "token=nps_x")
            #expect(unknown.status == .unauthorized)

            let stranger = try await collector.request(.get, "/")
            #expect(stranger.status == .seeOther && stranger.headers[.location] == "/dashboard/sign-in")
            let workspaceReader = try await collector.request(.get, "/", token: collector.token())
            #expect(workspaceReader.status == .forbidden)
            let page = try await collector.request(.get, "/", token: analyst)
            #expect(page.status == .ok && page.body.contains("<h1>Campaigns</h1>"))
        }
    }

    /// The session id a sign-in's `Set-Cookie` carries.
    static func sessionID(_ answer: Collector.Answer) throws -> String {
        let cookie = try #require(answer.headers[.setCookie])
        let pair = try #require(cookie.split(separator: ";").first)
        return String(try #require(pair.split(separator: "=", maxSplits: 1).last))
    }

    @Test("sessions: the cookie holds an opaque id, stored hashed; signed out or expired, it is refused")
    func sessions() async throws {
        try await Collector.with { collector in
            let analyst = try await collector.services.tokens.create(scope: .analyst).token
            func signIn() async throws -> String {
                try Self.sessionID(
                    try await collector.request(
                        .post, "/dashboard/sign-in", contentType: "application/x-www-form-urlencoded",
                        body: "token=\(analyst)"))
            }
            func page(_ session: String) async throws -> HTTPResponse.Status {
                try await collector.request(.get, "/", headers: [.cookie: "nps_session=\(session)"]).status
            }
            let session = try await signIn()
            #expect(session != analyst && !session.contains("nps_") && session.utf8.count == 43)
            // The table holds the SHA-256 of the id, not the id.
            let stored = try await collector.database.owner.query(
                "SELECT encode(session_hash, 'hex') FROM dashboard_sessions", logger: collector.database.logger
            ).collect().map { try $0.decode(String.self) }
            #expect(stored.count == 1 && stored[0].count == 64 && !stored[0].contains(session))
            #expect(try await page(session) == .ok)
            #expect(try await page("made-up") == .seeOther)

            // Signed out: the same cookie, replayed, is refused.
            let signOut = try await collector.request(
                .post, "/dashboard/sign-out", headers: [.cookie: "nps_session=\(session)"])
            #expect(signOut.status == .seeOther && signOut.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await page(session) == .seeOther)

            // Expired: 12 hours on the collector's clock.
            let second = try await signIn()
            try collector.advance(by: 12 * 3_600 - 60)
            #expect(try await page(second) == .ok)
            try collector.advance(by: 120)
            #expect(try await page(second) == .seeOther)

            // Its token revoked: the session dies with it.
            let third = try await signIn()
            let tokenID = try #require(try await collector.services.tokens.authenticate(analyst)).tokenID
            try await collector.services.tokens.revoke(id: tokenID)
            #expect(try await page(third) == .seeOther)
        }
    }

    @Test("the session cookie is Secure behind a trusted proxy that says https, not when another peer says so")
    func secureCookie() async throws {
        let proto = HTTPField.Name("X-Forwarded-Proto")!
        // Over a real socket from 127.0.0.1: trusted as a proxy in one run, not in the other.
        for trusted in [true, false] {
            let landing = LandingSettings(
                trustedProxies: trusted ? try TrustedProxies(parsing: "127.0.0.1, ::1") : .none)
            try await Collector.with(framework: .live, landing: landing) { collector in
                let analyst = try await collector.services.tokens.create(scope: .analyst).token
                let answer = try await collector.request(
                    .post, "/dashboard/sign-in", contentType: "application/x-www-form-urlencoded",
                    body: "token=\(analyst)", headers: [proto: "https"])
                #expect(answer.status == .seeOther)
                #expect(answer.headers[.setCookie]?.hasSuffix("; Secure") == trusted, "trusted: \(trusted)")
            }
        }
    }
}
