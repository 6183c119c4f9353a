import EventStore
import Foundation
import Logging
import NPSDomain

/// Campaigns: decided against the `campaigns` stream and appended with the
/// version they were decided at, so concurrent announcements cannot overlap.
///
/// With `changes`, what the ingest reads (`current()`, `campaign(_:)`) comes
/// from a copy in memory, kept while no append to the `campaigns` stream commits. Decisions always read the
/// stream. A campaign another process announced is found at once (an unknown
/// id reads the stream again); one it closed may still be handed out until
/// the notification of its close arrives (within
/// `ChangeNotifications.staleAfter` at worst).
public struct CampaignStore: Sendable {
    public let log: EventLog
    /// How long before `startAt` a campaign must be announced (admins are told in advance).
    public let noticePeriod: TimeInterval
    private let copy: ChangeNotifications.Copy<CampaignBook>?

    public static let defaultNoticePeriod: TimeInterval = 21 * 86_400

    public init(
        log: EventLog, noticePeriod: TimeInterval = CampaignStore.defaultNoticePeriod,
        changes: ChangeNotifications? = nil
    ) {
        self.log = log
        self.noticePeriod = noticePeriod
        self.copy = changes.map { ChangeNotifications.Copy(of: .campaigns, changes: $0) }
    }

    /// The book as the ingest reads it: from memory while the copy holds.
    public func current() async throws -> CampaignBook {
        guard let copy else { return try await load() }
        return try await copy.value(load)
    }

    /// The book read from the stream now.
    public func load() async throws -> CampaignBook {
        var book = CampaignBook()
        for event in try await log.readStream(Streams.campaigns) {
            book.apply(try event.decoded(), version: event.streamVersion, recordedAt: event.recordedAt)
        }
        return book
    }

    public func campaign(_ id: String) async throws -> Campaign? {
        if let campaign = try await current().campaigns[id] { return campaign }
        return copy == nil ? nil : try await load().campaigns[id]
    }

    public func announce(
        _ announcement: CampaignBook.Announcement,
        allowShortNotice: Bool = false,
        metadata: EventMetadata,
        now: Date? = nil
    ) async throws -> Campaign {
        let now = now ?? log.clock.now
        try await decideAndAppend { book in
            let announced = try book.announce(
                announcement, now: now, noticePeriod: noticePeriod, allowShortNotice: allowShortNotice)
            guard let page = announcement.landingPage else { return [try NewEvent(announced, metadata: metadata)] }
            let configured = try CampaignBook.landingPageConfigured(announced.campaignID, page)
            return [try NewEvent(announced, metadata: metadata), try NewEvent(configured, metadata: metadata)]
        }
        guard let campaign = try await campaign(announcement.id) else {
            throw CampaignRuleViolation.unknown(announcement.id)
        }
        return campaign
    }

    public func close(_ id: String, metadata: EventMetadata) async throws {
        try await decideAndAppend { book in [try NewEvent(try book.close(id), metadata: metadata)] }
    }

    /// Appends `LandingPageConfigured`: the campaign's landing page on, off or changed.
    public func configureLandingPage(_ id: String, _ page: LandingPage, metadata: EventMetadata) async throws {
        try await decideAndAppend { book in
            [try NewEvent(try book.configureLandingPage(id, page), metadata: metadata)]
        }
    }

    /// Another writer may append between our read and our append; then we read again and decide again.
    private func decideAndAppend(
        _ decide: (CampaignBook) throws -> [NewEvent]
    ) async throws {
        for attempt in 1...5 {
            let book = try await load()
            let events = try decide(book)
            do {
                try await log.append(
                    events,
                    to: Streams.campaigns,
                    expectedVersion: book.version == 0 ? .noStream : .exactly(book.version)
                )
                copy?.changes.changed(.campaigns)
                return
            } catch is WrongExpectedVersion where attempt < 5 {
                continue
            }
        }
    }
}
