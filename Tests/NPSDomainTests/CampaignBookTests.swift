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
}
