import CollectorServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import NPSDomain
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
            #expect(
                try browser.evaluate("document.querySelector('tr[data-role=user]').textContent.includes('+9.1')")
                    == true)
            #expect(
                try browser.evaluate("document.querySelector('tr[data-workspace=ws1]').textContent.includes('+16.7')")
                    == true)
            #expect(
                try browser.evaluate(
                    "document.querySelector('tr[data-workspace=ws2]').textContent.includes('withheld')")
                    == true)
            #expect(try browser.evaluate("document.body.textContent.includes('secret small workspace')") == false)
            #expect(try browser.evaluate("document.querySelectorAll('.comment').length") == 4)
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
            #expect(cookie.hasPrefix("nps_token=\(analyst);"))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))

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
}
