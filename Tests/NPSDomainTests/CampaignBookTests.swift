import Foundation
import NPSDomain
import Testing

@Suite("Campaign rules")
struct CampaignBookTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: TimeInterval = 86_400
    static let notice = 21 * day

    static func announcement(_ id: String, startIn start: Double, expireIn expire: Double) -> CampaignBook.Announcement
    {
        .init(id: id, startAt: now.addingTimeInterval(start * day), expireAt: now.addingTimeInterval(expire * day))
    }

    static func book(_ announcements: CampaignBook.Announcement...) throws -> CampaignBook {
        var book = CampaignBook()
        for (version, announcement) in announcements.enumerated() {
            let event = try book.announce(announcement, now: now, noticePeriod: notice, allowShortNotice: true)
            book.apply(.campaignAnnounced(event), version: Int64(version + 1), recordedAt: now)
        }
        return book
    }

    @Test("a well-formed announcement gets the default roles and banner")
    func announce() throws {
        let event = try CampaignBook().announce(
            Self.announcement("c1", startIn: 30, expireIn: 44),
            now: Self.now,
            noticePeriod: Self.notice,
            allowShortNotice: false
        )
        #expect(event.roles == ["admin", "user"])
        #expect(event.survey["blocks"]?.arrayValue?.count == 2)
    }

    @Test("expireAt must be after startAt")
    func expireAfterStart() {
        #expect(throws: CampaignRuleViolation.self) {
            try CampaignBook().announce(
                Self.announcement("c1", startIn: 30, expireIn: 30),
                now: Self.now,
                noticePeriod: Self.notice,
                allowShortNotice: true
            )
        }
    }

    @Test("the notice period is enforced unless short notice is allowed")
    func notice() throws {
        let early = Self.announcement("c1", startIn: 20, expireIn: 30)
        #expect(throws: CampaignRuleViolation.self) {
            try CampaignBook().announce(early, now: Self.now, noticePeriod: Self.notice, allowShortNotice: false)
        }
        #expect(throws: Never.self) {
            try CampaignBook().announce(early, now: Self.now, noticePeriod: Self.notice, allowShortNotice: true)
        }
    }

    @Test("an overlap with an open campaign is refused; a closed one does not count")
    func overlap() throws {
        var book = try Self.book(Self.announcement("c1", startIn: 30, expireIn: 44))
        let overlapping = Self.announcement("c2", startIn: 40, expireIn: 50)
        #expect(throws: CampaignRuleViolation.overlaps("c1")) {
            try book.announce(overlapping, now: Self.now, noticePeriod: Self.notice, allowShortNotice: false)
        }
        #expect(throws: Never.self) {
            try book.announce(
                Self.announcement("c3", startIn: 44, expireIn: 50),
                now: Self.now,
                noticePeriod: Self.notice,
                allowShortNotice: false
            )
        }
        book.apply(.campaignClosed(try book.close("c1")), version: 2, recordedAt: Self.now)
        #expect(throws: Never.self) {
            try book.announce(overlapping, now: Self.now, noticePeriod: Self.notice, allowShortNotice: false)
        }
        #expect(throws: CampaignRuleViolation.alreadyClosed("c1")) { try book.close("c1") }
    }

    @Test("duplicate ids, bad ids, empty roles and unknown campaigns are refused")
    func misc() throws {
        let book = try Self.book(Self.announcement("c1", startIn: 30, expireIn: 44))
        #expect(throws: CampaignRuleViolation.alreadyExists("c1")) {
            try book.announce(
                Self.announcement("c1", startIn: 60, expireIn: 70),
                now: Self.now,
                noticePeriod: Self.notice,
                allowShortNotice: false
            )
        }
        #expect(throws: CampaignRuleViolation.invalidID("a/b")) {
            try book.announce(
                Self.announcement("a/b", startIn: 60, expireIn: 70),
                now: Self.now,
                noticePeriod: Self.notice,
                allowShortNotice: false
            )
        }
        var noRoles = Self.announcement("c9", startIn: 60, expireIn: 70)
        noRoles.roles = []
        #expect(throws: CampaignRuleViolation.noRoles) {
            try book.announce(noRoles, now: Self.now, noticePeriod: Self.notice, allowShortNotice: false)
        }
        #expect(throws: CampaignRuleViolation.unknown("zz")) { try book.close("zz") }
    }

    @Test("states over time")
    func states() throws {
        let book = try Self.book(Self.announcement("c1", startIn: 30, expireIn: 44))
        let campaign = try #require(book.campaigns["c1"])
        #expect(campaign.state(at: Self.now) == .scheduled)
        #expect(campaign.state(at: Self.now.addingTimeInterval(31 * Self.day)) == .running)
        #expect(campaign.state(at: Self.now.addingTimeInterval(45 * Self.day)) == .expired)
        #expect(book.open(at: Self.now.addingTimeInterval(45 * Self.day)).isEmpty)
    }

    @Test("the landing page: off until configured, the last configuration holds, none for a closed campaign")
    func landingPage() throws {
        var book = try Self.book(Self.announcement("c1", startIn: 30, expireIn: 44))
        #expect(book.campaigns["c1"]?.landingPage == nil)
        let page = LandingPage(question: "Recommend Acme?", askReason: false, askContact: true)
        book.apply(.landingPageConfigured(try book.configureLandingPage("c1", page)), version: 2, recordedAt: Self.now)
        #expect(book.campaigns["c1"]?.landingPage == page)
        #expect(book.campaigns["c1"]?.landingPage?.shownQuestion == "Recommend Acme?")
        let off = LandingPage(enabled: false)
        book.apply(.landingPageConfigured(try book.configureLandingPage("c1", off)), version: 3, recordedAt: Self.now)
        #expect(book.campaigns["c1"]?.landingPage?.enabled == false)
        #expect(book.campaigns["c1"]?.landingPage?.shownQuestion == LandingPage.defaultQuestion)
        #expect(throws: CampaignRuleViolation.unknown("c2")) { try book.configureLandingPage("c2", page) }
        #expect(throws: CampaignRuleViolation.invalidQuestion) {
            try book.configureLandingPage("c1", LandingPage(question: ""))
        }
        #expect(throws: CampaignRuleViolation.invalidQuestion) {
            try book.configureLandingPage(
                "c1", LandingPage(question: String(repeating: "q", count: Limits.questionLength + 1)))
        }
        book.apply(.campaignClosed(try book.close("c1")), version: 4, recordedAt: Self.now)
        #expect(throws: CampaignRuleViolation.alreadyClosed("c1")) { try book.configureLandingPage("c1", page) }
    }

    @Test("a landing source id is landing:{campaignId}, which no workspace id can be")
    func landingSource() {
        #expect(LandingSource.workspaceID(campaignID: "c1") == "landing:c1")
        #expect(LandingSource.campaignID(ofWorkspace: "landing:c1") == "c1")
        #expect(LandingSource.campaignID(ofWorkspace: "landing:") == nil)
        #expect(LandingSource.campaignID(ofWorkspace: "landing:a/b") == nil)
        #expect(LandingSource.campaignID(ofWorkspace: "ws1") == nil)
        #expect(!Identifiers.isValid("landing:c1"))
        #expect(LandingSource.isSource("landing:c1") && LandingSource.isSource("ws1"))
        #expect(!LandingSource.isSource("landing:a b"))
    }

    @Test("contact details: trimmed, empty is absent, limits and a loose email check")
    func contact() throws {
        let valid = try LandingContact.validate(firstName: " Ada ", lastName: "", email: "ada@example.org").get()
        #expect(valid == LandingContact(firstName: "Ada", lastName: nil, email: "ada@example.org"))
        #expect(try LandingContact.validate(firstName: nil, lastName: " ", email: nil).get().isEmpty)
        for email in ["ada", "@example.org", "ada@", "a@b@c", "ada @example.org"] {
            #expect(throws: VoteItem.Rejection.self, "\(email)") {
                try LandingContact.validate(firstName: nil, lastName: nil, email: email).get()
            }
        }
        #expect(throws: VoteItem.Rejection.self) {
            try LandingContact.validate(
                firstName: String(repeating: "a", count: Limits.contactNameLength + 1), lastName: nil, email: nil
            ).get()
        }
        #expect(throws: VoteItem.Rejection.self) {
            try LandingContact.validate(
                firstName: nil, lastName: nil, email: String(repeating: "a", count: Limits.emailLength) + "@x"
            ).get()
        }
        #expect(throws: VoteItem.Rejection.self) {
            try LandingContact.validate(firstName: "a\u{7}b", lastName: nil, email: nil).get()
        }
    }
}
