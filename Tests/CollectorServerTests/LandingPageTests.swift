import EventStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import NPSDomain
import PostgresNIO
import TestSupport
import Testing

@testable import CollectorServer

/// A campaign's public landing page (`/s/{campaignId}`): a real browser
/// against a real server process, and the abuse rules through the real router.
@Suite("Landing page")
struct LandingPageTests {
    static let screenshots = DatabaseTool.projectDirectory.appending(path: ".build/landing-screenshots")

    /// A campaign running now with its landing page on.
    static func campaign(
        _ collector: Collector, _ id: String = "c1", page: LandingPage = LandingPage(), startsIn: TimeInterval = -3_600
    ) async throws {
        let start = collector.clock.now.addingTimeInterval(startsIn)
        _ = try await collector.services.campaigns.announce(
            .init(id: id, startAt: start, expireAt: start.addingTimeInterval(14 * 86_400), landingPage: page),
            allowShortNotice: true, metadata: .init(sender: "test"))
    }

    /// A collector with campaign c1 running and its page `page`, opened once by a visitor: the
    /// visitor (with its cookie) and the form's CSRF token.
    static func opened(
        page: LandingPage = LandingPage(), landing: LandingSettings = LandingSettings(),
        _ body: @Sendable (Collector, Visitor, String) async throws -> Void
    ) async throws {
        try await Collector.with(landing: landing) { collector in
            try await campaign(collector, page: page)
            var visitor = Visitor(collector: collector)
            let token = try await visitor.open("c1")
            try await body(collector, visitor, token)
        }
    }

    /// How many rows a table holds (as the owner sees it).
    /// The current votes of c1's landing source, by score.
    static func landingVotes(_ collector: Collector) async throws -> [(score: Int, comment: String?)] {
        try await collector.database.owner.query(
            "SELECT score::int8, comment FROM listed_votes WHERE workspace_id = 'landing:c1' ORDER BY score",
            logger: collector.database.logger
        ).collect().map { try $0.decode((Int, String?).self) }
    }

    static func count(_ collector: Collector, _ table: String) async throws -> Int {
        try await collector.database.owner.query(
            "SELECT count(*)::int8 FROM \(unescaped: table)", logger: collector.database.logger
        ).collect().first?.decode(Int.self) ?? -1
    }

    @Test(
        "Chromium answers, answers again (replaced), a fresh browser (keyboard only) adds one; the landing source is its own row"
    )
    func browser() async throws {
        // The page is served by a process of its own, on the system clock: the collector here starts at the same time.
        try await Collector.with(workspaces: ["ws1"], clock: SimulatedClock()) { collector in
            try await Self.campaign(
                collector, page: LandingPage(question: "Would you recommend Acme Cloud?", askContact: true))
            // A workspace vote beside it: the landing source must be a row of its own.
            _ = try await collector.upload("c1", Votes.batch([Votes.item(1, score: 10)]))
            let server = try await ServerProcess.start(collector.database, environment: ["LOG_LEVEL": "trace"])
            defer { server.stop() }

            func answer(_ browser: HeadlessChromium, score: Int, reason: String, contact: Bool) throws {
                try browser.open(server.baseURL + "/s/c1")
                _ = try browser.evaluate(
                    """
                    document.querySelector('label[for=score-\(score)]').click();
                    document.querySelector('#reason').value = \(try EventJSON.encode(reason));
                    \(contact ? "document.querySelector('#firstName').value = 'Ada'; document.querySelector('#email').value = 'ada@example.org'; document.querySelector('#consent').click();" : "")
                    document.querySelector('button.send').click(); true
                    """)
                try browser.waitForLoad()
                #expect(try browser.evaluate("location.pathname") == "/s/c1/thanks")
                #expect(try browser.evaluate("document.querySelector('#thanks') !== null") == true)
            }

            let first = try HeadlessChromium()
            try first.open(server.baseURL + "/s/c1")
            // The page: the personalised question, eleven labelled radio buttons in a fieldset with a legend,
            // a label for every visible field, no scripts or external assets, lang and viewport set.
            #expect(
                try first.evaluate("document.querySelector('#question').textContent")
                    == "Would you recommend Acme Cloud?")
            #expect(try first.evaluate("document.documentElement.lang") == "en")
            #expect(try first.evaluate("document.querySelector('meta[name=viewport]') !== null") == true)
            #expect(
                try first.evaluate("document.querySelectorAll('fieldset.scores input[type=radio][name=score]').length")
                    == 11)
            #expect(
                try first.evaluate("document.querySelector('fieldset.scores legend').textContent.length > 0") == true)
            #expect(
                try first.evaluate(
                    "[...document.querySelectorAll('input:not([type=hidden]), textarea')].every(i => i.labels.length === 1)"
                )
                    == true)
            #expect(try first.evaluate("document.querySelectorAll('script, link[rel=stylesheet], img').length") == 0)
            #expect(try first.evaluate("document.cookie") == "", "the browser cookie must be HttpOnly")
            // The honeypot is out of sight, out of the tab order and hidden from screen readers.
            #expect(try first.evaluate("document.querySelector('#website').tabIndex") == -1)
            #expect(try first.evaluate("document.querySelector('.hp').getAttribute('aria-hidden')") == "true")
            #expect(try first.evaluate("document.querySelector('#website').getBoundingClientRect().right <= 0") == true)
            try first.screenshot(to: Self.screenshots.appending(path: "landing.png"))
            try first.setViewport(width: 390, height: 844, mobile: true)
            try first.open(server.baseURL + "/s/c1")
            #expect(try first.evaluate("document.documentElement.scrollWidth <= window.innerWidth") == true)
            try first.screenshot(to: Self.screenshots.appending(path: "landing-phone.png"))
            try first.setViewport(width: 1280, height: 900, mobile: false)

            try answer(first, score: 9, reason: "Fast and friendly support", contact: true)
            try await ProjectionCatchUp.untilCurrent(collector.database)
            let analyst = try await collector.services.tokens.create(scope: .analyst).token
            var summary = try await collector.request(.get, "/api/v1/campaigns/c1/summary", token: analyst)
            #expect(summary.json["votes"] == 2)  // ws1's and the browser's
            let rows = try await collector.request(.get, "/api/v1/campaigns/c1/workspaces?sort=votes", token: analyst)
            let sources = rows.json["rows"]?.arrayValue?.compactMap { $0["workspaceId"]?.stringValue } ?? []
            #expect(Set(sources) == ["ws1", "landing:c1"], "\(rows.body)")

            // The same browser (same cookie jar) again: its vote is replaced.
            try answer(first, score: 3, reason: "Changed my mind", contact: false)
            try await ProjectionCatchUp.untilCurrent(collector.database)
            summary = try await collector.request(.get, "/api/v1/campaigns/c1/summary", token: analyst)
            #expect(summary.json["votes"] == 2)
            #expect(try await Self.landingVotes(collector).map(\.score) == [3])
            #expect(first.errors.isEmpty, "\(first.errors)")

            // A fresh browser adds one, answered with the keyboard only: Tab reaches the score group, arrows pick a score, the focus is outlined, Tab goes on
            // to the reason and past the honeypot, Enter on Send submits.
            let keyboard = try HeadlessChromium()
            try keyboard.open(server.baseURL + "/s/c1")
            try keyboard.press("Tab")
            #expect(try keyboard.evaluate("document.activeElement.id") == "score-0")
            for _ in 0..<7 { try keyboard.press("ArrowRight") }
            #expect(try keyboard.evaluate("document.querySelector('input[name=score]:checked').value") == "7")
            #expect(
                try keyboard.evaluate("getComputedStyle(document.querySelector('label[for=score-7]')).outlineStyle")
                    == "solid")
            try keyboard.press("Tab")
            #expect(try keyboard.evaluate("document.activeElement.id") == "reason")
            try keyboard.type("Typed with the keyboard")
            var focused: [String] = []
            for _ in 0..<5 {
                try keyboard.press("Tab")
                focused.append(
                    try keyboard.evaluate("document.activeElement.id || document.activeElement.className").stringValue
                        ?? "")
            }
            #expect(focused == ["firstName", "lastName", "email", "consent", "send"])
            #expect(!focused.contains("website"))
            try keyboard.press("Enter")
            try keyboard.waitForLoad()
            #expect(try keyboard.evaluate("location.pathname") == "/s/c1/thanks")

            try await ProjectionCatchUp.untilCurrent(collector.database)
            summary = try await collector.request(.get, "/api/v1/campaigns/c1/summary", token: analyst)
            #expect(summary.json["votes"] == 3)
            let votes = try await Self.landingVotes(collector)
            #expect(votes.map(\.score) == [3, 7] && votes.last?.comment == "Typed with the keyboard")
            #expect(try await Self.count(collector, "landing_contacts") == 1)

            // The three answers (each new content) count as accepted votes in /metrics.
            let metricsFile = FileManager.default.temporaryDirectory.appending(path: "nps-metrics-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: metricsFile) }
            #expect(try await Curl.status(server.baseURL + "/metrics", into: metricsFile) == 200)
            let metrics = try String(contentsOf: metricsFile, encoding: .utf8)
            #expect(metrics.contains(#"nps_votes_total{outcome="accepted"} 3"#), "\(metrics.prefix(2_000))")

            // Contact details never reach a log line, even at trace level.
            #expect(!server.process.output().contains("ada@example.org"))
            #expect(!server.process.output().contains("Ada"))
            #expect(keyboard.errors.isEmpty, "\(keyboard.errors)")
        }
    }

    @Test("a missing, wrong or other browser's CSRF token answers 403 and stores nothing")
    func csrf() async throws {
        try await Self.opened { collector, visitor, token in
            var other = Visitor(collector: collector)
            let othersToken = try await other.open("c1")
            #expect(token != othersToken)

            for fields in [["score": "8"], ["score": "8", "csrf": "00"], ["score": "8", "csrf": othersToken]] {
                let answer = try await visitor.post("c1", fields)
                #expect(answer.status == .forbidden)
                #expect(answer.headers[.contentType]?.hasPrefix("text/html") == true)
            }
            var cookieless = visitor
            cookieless.cookie = nil
            #expect(try await cookieless.post("c1", ["score": "8", "csrf": token]).status == .forbidden)
            #expect(try await collector.eventCounts()["VoteCast"] == nil)

            let accepted = try await visitor.post("c1", ["score": "8", "csrf": token])
            #expect(accepted.status == .seeOther)
            #expect(accepted.headers[.location] == "/s/c1/thanks")
            #expect(try await collector.eventCounts()["VoteCast"] == 1)
            let rows = try await collector.logRows()
            let vote = try #require(rows.first { $0.type == "VoteCast" })
            #expect(vote.stream == "votes/c1/landing:c1")
            #expect(vote.payload["score"] == 8)
            #expect(vote.payload["identifier"]?.stringValue?.count == 64)
            // Its sender, the landing source, and request are its ResultsReceived's.
            let received = try #require(rows.first { $0.type == "ResultsReceived" })
            #expect(received.transactionID == vote.transactionID && received.stream == vote.stream)
            #expect(received.metadata["sender"] == "landing:c1")
            #expect(received.metadata["requestID"]?.stringValue?.isEmpty == false)
            #expect(vote.metadata == .object([:]))
        }
    }

    @Test("the rate limit trips at the 11th answer a minute from one client with 429 and Retry-After")
    func rateLimit() async throws {
        // The limiter's clock stands still, so a slow machine cannot refill the bucket meanwhile.
        let frozen = ContinuousClock.now
        try await Self.opened(landing: LandingSettings(clock: { frozen })) { collector, visitor, token in
            for score in 0..<LandingSettings.defaultPostsPerMinute {
                let answer = try await visitor.post("c1", ["score": String(score), "csrf": token])
                #expect(answer.status == .seeOther)
            }
            let refused = try await visitor.post("c1", ["score": "10", "csrf": token])
            #expect(refused.status == .tooManyRequests)
            let retry = try #require(refused.headers[.retryAfter].flatMap(Int.init))
            #expect(retry == 60 / LandingSettings.defaultPostsPerMinute)
            #expect(refused.body.contains("Too many answers"))
            // The refused answer was not stored: the last stored score is 9.
            let scores = try await collector.payloads("VoteCast").compactMap { $0["score"] }
            #expect(scores.count == 10)
            #expect(scores.last == 9)
        }
    }

    @Test(
        "over a real socket: the peer is the client; X-Forwarded-For counts only from a trusted proxy",
        arguments: ["", "127.0.0.1", "10.0.0.0/8, 127.0.0.0/8", "192.168.0.0/16"])
    func forwardedFor(proxies: String) async throws {
        let frozen = ContinuousClock.now
        let trustedProxies = try TrustedProxies(parsing: proxies)
        let trusted = trustedProxies.contains("127.0.0.1")
        let landing = LandingSettings(postsPerMinute: 1, trustedProxies: trustedProxies, clock: { frozen })
        try await Collector.with(framework: .live, landing: landing) { collector in
            try await Self.campaign(collector)
            var visitor = Visitor(collector: collector)
            let token = try await visitor.open("c1")
            func post(from address: String) async throws -> HTTPResponse.Status {
                try await visitor.post(
                    "c1", ["score": "5", "csrf": token], headers: [.forwardedFor: address]
                ).status
            }
            // Behind a trusted proxy each visitor has a bucket; otherwise the header is the visitor's to forge.
            #expect(try await post(from: "203.0.113.1") == .seeOther)
            #expect(try await post(from: "203.0.113.1") == .tooManyRequests)
            #expect(try await post(from: "203.0.113.2") == (trusted ? .seeOther : .tooManyRequests))
        }
    }

    @Test("trusted proxies: addresses and networks, IPv4 and IPv6, an IPv4-mapped peer as IPv4; bad entries refused")
    func trustedProxies() throws {
        let proxies = try TrustedProxies(parsing: " 10.244.0.0/16,192.168.0.0/20 , 203.0.113.7,fd00::/8,,2001:db8::1 ")
        for inside in [
            "10.244.0.1", "10.244.255.255", "192.168.15.255", "203.0.113.7", "fd12:3456::1", "2001:db8::1",
            "::ffff:10.244.9.9",
        ] {
            #expect(proxies.contains(inside), "\(inside)")
        }
        for outside in [
            "10.245.0.1", "192.168.16.0", "203.0.113.8", "fe80::1", "2001:db8::2", "::ffff:10.245.0.1", "unknown", "",
        ] {
            #expect(!proxies.contains(outside), "\(outside)")
        }
        #expect(try TrustedProxies(parsing: "0.0.0.0/0").contains("198.51.100.1"))
        #expect(try TrustedProxies(parsing: " , ").isEmpty)
        #expect(!TrustedProxies.none.contains("127.0.0.1"))
        for invalid in [
            "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/8/1", "10.0.0.0/", "proxy.internal", "10.0.0", "::1/129",
        ] {
            #expect(throws: InvalidTrustedProxy.self, "\(invalid)") {
                try TrustedProxies(parsing: "127.0.0.1, \(invalid)")
            }
        }
    }

    @Test("a token bucket: a burst of the rate, then one every 60/rate seconds, per client")
    func bucket() {
        let limiter = RateLimiter(perMinute: 10)
        let start = ContinuousClock.now
        for _ in 0..<10 { #expect(limiter.retryAfter("a", now: start) == nil) }
        #expect(limiter.retryAfter("a", now: start) == 6)
        #expect(limiter.retryAfter("b", now: start) == nil, "another client has its own bucket")
        #expect(limiter.retryAfter("a", now: start + .seconds(5)) == 1)
        #expect(limiter.retryAfter("a", now: start + .seconds(6)) == nil)
        #expect(limiter.retryAfter("a", now: start + .seconds(6)) != nil)
    }

    @Test("past pruneAbove clients, buckets that filled up again are forgotten, at most once a minute")
    func pruning() {
        let limiter = RateLimiter(perMinute: 10)
        let start = ContinuousClock.now
        for client in 0...RateLimiter.pruneAbove { #expect(limiter.retryAfter("c\(client)", now: start) == nil) }
        // Over the limit, a pass is made: every bucket is one token short, so none goes.
        _ = limiter.retryAfter("first", now: start)
        #expect(limiter.clients == RateLimiter.pruneAbove + 2)
        // Within the minute no pass is made, although the buckets fill up again from 6 s on.
        _ = limiter.retryAfter("late", now: start + .seconds(30))
        for _ in 0..<10 { _ = limiter.retryAfter("busy", now: start + .seconds(59)) }
        #expect(limiter.clients == RateLimiter.pruneAbove + 4)
        // A minute after the last pass, the full ones go; the drained one stays, and still refuses.
        #expect(limiter.retryAfter("new", now: start + .seconds(60)) == nil)
        #expect(limiter.clients == 2, "busy and new")
        #expect(limiter.retryAfter("busy", now: start + .seconds(60)) != nil)
    }

    @Test("the honeypot filled: the thanks page, nothing stored")
    func honeypot() async throws {
        try await Self.opened { collector, visitor, token in
            let answer = try await visitor.post("c1", ["score": "10", "csrf": token, "website": "http://spam.example"])
            #expect(answer.status == .seeOther)
            #expect(answer.headers[.location] == "/s/c1/thanks")
            #expect(try await collector.eventCounts()["VoteCast"] == nil)
            #expect(try await collector.eventCounts()["ResultsReceived"] == nil)
        }
    }

    @Test("an invalid score or reason shows the form again with the error; too large a body is 413; nothing stored")
    func validation() async throws {
        try await Self.opened { collector, visitor, token in
            let tooLong = String(repeating: "x", count: Limits.commentLength + 1)
            for (fields, error) in [
                (["csrf": token], "Please choose a score"),
                (["csrf": token, "score": "11"], "score must be an integer from 0 to 10"),
                (["csrf": token, "score": "seven"], "score must be a number from 0 to 10"),
                (["csrf": token, "score": "7", "reason": "a\u{0}b"], "U+0000"),
            ] {
                let answer = try await visitor.post("c1", fields)
                #expect(answer.status == .unprocessableContent)
                #expect(answer.body.contains(#"id="form-error""#) && answer.body.contains(error), "\(answer.body)")
                #expect(answer.body.contains(#"<form method="post" action="/s/c1""#))
            }
            // 10,001 characters pass the 16 KiB limit only as a form, not as a comment.
            let long = try await visitor.post("c1", ["csrf": token, "score": "7", "reason": tooLong])
            #expect(long.status == .unprocessableContent)
            #expect(long.body.contains("comment is longer than"))
            let huge = try await visitor.post(
                "c1", ["csrf": token, "score": "7", "reason": String(repeating: "y", count: Limits.landingFormBytes)])
            #expect(huge.status == .contentTooLarge)
            #expect(huge.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(try await collector.eventCounts()["VoteCast"] == nil)
        }
    }

    @Test("unknown, unpublished, not yet open and closed campaigns get a friendly HTML page")
    func friendlyPages() async throws {
        try await Collector.with { collector in
            try await Self.campaign(collector, "done", startsIn: -86_400)
            try await collector.services.campaigns.close("done", metadata: .init(sender: "test"))
            let past = collector.clock.now.addingTimeInterval(-60 * 86_400)
            _ = try await collector.services.campaigns.announce(
                .init(
                    id: "old", startAt: past.addingTimeInterval(3_600), expireAt: past.addingTimeInterval(86_400),
                    landingPage: LandingPage()),
                allowShortNotice: true, metadata: .init(sender: "test"), now: past)
            // Open campaigns cannot overlap: each is closed before the next.
            try await collector.campaign("plain")
            try await collector.services.campaigns.close("plain", metadata: .init(sender: "test"))
            try await Self.campaign(collector, "off", page: LandingPage(enabled: false))
            try await Self.campaign(collector, "later", startsIn: 30 * 86_400)
            for (path, status, text) in [
                ("/s/nothing", HTTPResponse.Status.notFound, "Survey not found"),
                ("/s/plain", .notFound, "Survey not found"),
                ("/s/off", .notFound, "Survey not found"),
                ("/s/%3Cscript%3E", .notFound, "Survey not found"),
                ("/s/later", .notFound, "Survey not open yet"),
                ("/s/done", .gone, "Survey closed"),
                ("/s/old", .gone, "Survey closed"),
            ] {
                let page = try await collector.request(.get, path)
                #expect(page.status == status, "\(path)")
                #expect(page.headers[.contentType] == "text/html; charset=utf-8", "\(path)")
                #expect(page.body.contains(text), "\(path)")
                #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            }
            let closed = try await Visitor(collector: collector).post("done", ["score": "5"])
            #expect(closed.status == .gone)
            #expect(try await collector.eventCounts()["VoteCast"] == nil)
        }
    }

    @Test("askContact off: no contact field, posted ones ignored; on: kept with consent, admins only")
    func contacts() async throws {
        // k = 1, so the one landing vote is listed and exported (it must be, without its contact).
        try await Collector.with(privacy: PrivacyThreshold(k: 1)) { collector in
            try await Self.campaign(collector)
            var visitor = Visitor(collector: collector)
            var token = try await visitor.open("c1")
            #expect(!visitor.lastPage.contains("firstName") && !visitor.lastPage.contains("email"))
            let contact = ["firstName": "Grace", "lastName": "Hopper", "email": "grace@example.org", "consent": "yes"]
            var posted = try await visitor.post("c1", contact.merging(["score": "9", "csrf": token]) { a, _ in a })
            #expect(posted.status == .seeOther)
            #expect(try await collector.eventCounts()["VoteCast"] == 1)
            #expect(try await Self.count(collector, "landing_contacts") == 0)

            // Turned on through the admin API (the event is in the log; the book read from it has it).
            let configured = try await collector.request(
                .put, "/api/v1/campaigns/c1/landing-page", token: collector.adminToken,
                body: #"{"enabled": true, "askReason": false, "askContact": true}"#)
            #expect(configured.status == .ok)
            #expect(configured.json["landingPage"]?["askContact"] == true)
            #expect(try await collector.services.campaigns.campaign("c1")?.landingPage?.askContact == true)
            token = try await visitor.open("c1")
            #expect(visitor.lastPage.contains(#"id="email""#) && visitor.lastPage.contains(#"id="consent""#))
            #expect(!visitor.lastPage.contains(#"id="reason""#))

            // Without the consent box the details are ignored; a bad email is refused with the form.
            var fields = contact.merging(["score": "7", "csrf": token]) { a, _ in a }
            fields["consent"] = nil
            posted = try await visitor.post("c1", fields)
            #expect(posted.status == .seeOther)
            #expect(try await Self.count(collector, "landing_contacts") == 0)
            fields["consent"] = "yes"
            fields["email"] = "not an email"
            posted = try await visitor.post("c1", fields)
            #expect(posted.status == .unprocessableContent)
            #expect(posted.body.contains("the email must look like"))
            fields["email"] = "grace@example.org"
            posted = try await visitor.post("c1", fields)
            #expect(posted.status == .seeOther)
            #expect(try await Self.count(collector, "landing_contacts") == 1)

            // Admins read them; analysts never see them, in no route, export or dashboard page.
            let admin = try await collector.request(.get, "/api/v1/campaigns/c1/contacts", token: collector.adminToken)
            #expect(admin.status == .ok)
            #expect(admin.json[0]?["email"] == "grace@example.org")
            #expect(admin.json[0]?["firstName"] == "Grace")
            #expect(admin.headers[.cacheControl] == "private, no-store")
            try await ProjectionCatchUp.untilCurrent(collector.database)
            let analyst = try await collector.services.tokens.create(scope: .analyst).token
            #expect(
                try await collector.request(.get, "/api/v1/campaigns/c1/contacts", token: analyst).status == .forbidden)
            for path in [
                "/api/v1/campaigns/c1/votes", "/api/v1/campaigns/c1/votes.csv", "/api/v1/campaigns/c1/workspaces.csv",
                "/api/v1/campaigns/c1/summary", "/dashboard/campaigns/c1",
            ] {
                let answer = try await collector.request(.get, path, token: analyst)
                #expect(answer.status == .ok, "\(path)")
                #expect(!answer.body.contains("grace@") && !answer.body.contains("Hopper"), "\(path)")
            }
            let votes = try await collector.request(.get, "/api/v1/campaigns/c1/votes.csv", token: analyst)
            #expect(votes.body.contains("landing:c1"))
            // Nor in the log.
            let logged = try await collector.database.owner.query(
                "SELECT count(*)::int8 FROM event_log WHERE payload::text LIKE '%grace%'",
                logger: collector.database.logger
            ).collect().first?.decode(Int.self)
            #expect(logged == 0)
        }
    }

    @Test("purging the landing source removes its votes, keys and contacts")
    func purge() async throws {
        try await Self.opened(page: LandingPage(askContact: true)) { collector, visitor, token in
            _ = try await visitor.post(
                "c1", ["score": "6", "csrf": token, "email": "x@example.org", "consent": "yes"])
            #expect(try await Self.count(collector, "landing_contacts") == 1)
            #expect(try await Self.count(collector, "vote_keys") == 1)
            let outcome = try await WorkspacePurge(owner: collector.database.owner, logger: collector.database.logger)
                .purge("landing:c1", requestedBy: "test")
            #expect(outcome.purgedEvents == 2)  // the VoteCast and its ResultsReceived
            #expect(try await Self.count(collector, "landing_contacts") == 0)
            #expect(try await Self.count(collector, "vote_keys") == 0)
            #expect(try await collector.eventCounts()["VoteCast"] == nil)
            await #expect(throws: InvalidWorkspaceID.self) {
                try await WorkspacePurge(owner: collector.database.owner, logger: collector.database.logger)
                    .purge("landing:", requestedBy: "test")
            }
        }
    }

    @Test("announce with landingPage through the admin API; a landing source cannot be registered")
    func adminAPI() async throws {
        try await Collector.with { collector in
            let start = EventJSON.formatTimestamp(collector.clock.now.addingTimeInterval(30 * 86_400))
            let expire = EventJSON.formatTimestamp(collector.clock.now.addingTimeInterval(60 * 86_400))
            let created = try await collector.request(
                .post, "/api/v1/campaigns", token: collector.adminToken,
                body: #"""
                    {"id": "c9", "startAt": "\#(start)", "expireAt": "\#(expire)",
                     "landingPage": {"enabled": true, "question": "Recommend us?"}}
                    """#)
            #expect(created.status == .created, "\(created.body)")
            #expect(created.json["landingPage"]?["question"] == "Recommend us?")
            #expect(created.json["landingPage"]?["askReason"] == true)
            #expect(created.json["landingPage"]?["askContact"] == false)
            #expect(try await collector.eventCounts()["LandingPageConfigured"] == 1)
            let tooLong = String(repeating: "q", count: Limits.questionLength + 1)
            let refused = try await collector.request(
                .put, "/api/v1/campaigns/c9/landing-page", token: collector.adminToken,
                body: #"{"enabled": true, "question": "\#(tooLong)"}"#)
            #expect(refused.status == .unprocessableContent)
            let unknown = try await collector.request(
                .put, "/api/v1/campaigns/nope/landing-page", token: collector.adminToken, body: #"{"enabled": true}"#)
            #expect(unknown.status == .notFound)
            let register = try await collector.request(
                .post, "/api/v1/workspaces", token: collector.adminToken, body: #"{"workspaceId": "landing:c9"}"#)
            #expect(register.status == .unprocessableContent)
        }
    }
}

extension LandingPageTests {
    @Test("the CLI publishes the page (landing-page) and prints its contacts as CSV (contacts)")
    func commandLine() async throws {
        try await Collector.with { collector in
            try await collector.campaign("c1")
            func run(_ arguments: [String]) async throws -> (Int32, String) {
                let process = try ChildProcess(
                    executable: ChildProcess.collectorExecutable(), arguments: ["campaigns"] + arguments,
                    environment: [
                        "DATABASE_URL": collector.database.appURL.connectionString, "LOG_LEVEL": "warning",
                    ])
                defer { process.removeLog() }
                let status = try await process.exitCode(within: .seconds(60))
                // The command is another process: the collector here hears of its change by notification.
                await ChangeListeners.delivered(collector.database)
                return (status, process.output())
            }
            var (status, output) = try await run([
                "landing-page", "c1", "--enable", "--ask-contact", "--question", "Q?",
            ])
            #expect(status == 0, "\(output)")
            #expect(output.contains("enabled at /s/c1"))
            let page = try #require(try await collector.services.campaigns.campaign("c1")?.landingPage)
            #expect(page == LandingPage(enabled: true, question: "Q?", askReason: true, askContact: true))

            var visitor = Visitor(collector: collector)
            let token = try await visitor.open("c1")
            _ = try await visitor.post(
                "c1",
                [
                    "score": "10", "csrf": token, "firstName": "Lin, \"Jr\"", "email": "lin@example.org",
                    "consent": "yes",
                ])
            (status, output) = try await run(["contacts", "c1"])
            #expect(status == 0, "\(output)")
            // Standard error shares the log: the CSV starts at its header (a log line may come first).
            let header = "identifier,firstName,lastName,email,consentedAt\r\n"
            let csv = try #require(output.range(of: header)).lowerBound
            let lines = output[csv...].split(separator: "\r\n").map(String.init)
            #expect(lines.first == "identifier,firstName,lastName,email,consentedAt")
            #expect(lines.count == 2)
            #expect(lines.last?.contains(#","Lin, ""Jr""",,lin@example.org,"#) == true, "\(output)")

            (status, output) = try await run(["landing-page", "c1", "--disable"])
            #expect(status == 0)
            #expect(try await collector.request(.get, "/s/c1").status == .notFound)
            (status, _) = try await run(["contacts", "nope"])
            #expect(status != 0)
        }
    }
}

/// A browser without a browser: keeps the landing cookie between requests to the router.
struct Visitor {
    let collector: Collector
    var cookie: String?
    var lastPage = ""

    /// Opens the landing page; returns the form's CSRF token.
    mutating func open(_ campaign: String) async throws -> String {
        var headers: HTTPFields = [:]
        if let cookie { headers[.cookie] = cookie }
        let page = try await collector.request(.get, "/s/\(campaign)", headers: headers)
        #expect(page.status == .ok)
        if let set = page.headers[.setCookie] {
            cookie = String(set.prefix { $0 != ";" })
            #expect(set.contains("HttpOnly") && set.contains("SameSite=Lax"))
        }
        lastPage = page.body
        let marker = #"name="csrf" value=""#
        let start = try #require(page.body.range(of: marker)).upperBound
        return String(page.body[start...].prefix { $0 != "\"" })
    }

    func post(
        _ campaign: String, _ fields: [String: String], headers extra: HTTPFields = [:]
    ) async throws
        -> Collector.Answer
    {
        var headers = extra
        if let cookie { headers[.cookie] = cookie }
        let body = fields.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        return try await collector.request(
            .post, "/s/\(campaign)", contentType: "application/x-www-form-urlencoded", body: body, headers: headers)
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
