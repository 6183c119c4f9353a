import EventStore
import Foundation
import Logging
import NPSDomain
import PostgresNIO

/// What workspaces tell us outside their votes: registration, the periodic
/// sync (NPS setting, campaign hand-out, admin notice), survey fetches.
public struct WorkspaceService: Sendable {
    public let log: EventLog
    public let campaigns: CampaignStore
    public let tokens: TokenStore
    public let profiles: WorkspaceProfiles

    public init(log: EventLog, campaigns: CampaignStore, tokens: TokenStore) {
        self.log = log
        self.campaigns = campaigns
        self.tokens = tokens
        self.profiles = WorkspaceProfiles(log: log)
    }

    /// Appends `WorkspaceRegistered` (once, however often it is called) and issues a workspace token.
    public func register(_ workspaceID: String, metadata: EventMetadata) async throws -> IssuedToken {
        guard Identifiers.isValid(workspaceID) else { throw InvalidWorkspaceID(workspaceID: workspaceID) }
        let event = try NewEvent(
            WorkspaceRegistered(workspaceID: workspaceID),
            id: EventID.named("WorkspaceRegistered", workspaceID),
            metadata: metadata
        )
        try await log.append([event], to: Streams.workspace(workspaceID))
        return try await tokens.create(scope: .workspace, workspaceID: workspaceID, label: "workspace \(workspaceID)")
    }

    public func isRegistered(_ workspaceID: String) async throws -> Bool {
        try await log.contains(EventID.named("WorkspaceRegistered", workspaceID))
    }

    /// The periodic sync: records the NPS setting and the workspace's profile
    /// (its non-personal facts, `WorkspaceProfile(sync:)`) when they changed, and returns
    /// the campaign to hand out, if any, appending `AdminNotified` the first
    /// time this workspace gets it.
    ///
    /// A campaign is handed out only to a workspace with NPS enabled, only
    /// while it is open, and for the first time only before its start: a
    /// Rocket.Chat server that learns of a campaign after its start raises
    /// inside its sync (upstream issue #33222), and could not show it anyway.
    ///
    /// "NPS enabled" is the last value recorded, whatever its source: 3.x
    /// sends no `npsEnabled` in its sync, and a 6.x–8.x server that receives a
    /// campaign with the setting off throws inside its sync and aborts that
    /// run (licence step included).
    public func sync(
        workspaceID: String,
        npsEnabled: Bool?,
        profile: WorkspaceProfile? = nil,
        metadata: EventMetadata,
        now: Date? = nil
    ) async throws -> Campaign? {
        let now = now ?? log.clock.now
        let open = try await campaigns.current().open(at: now)
        let notices = open.map { EventID.named("AdminNotified", workspaceID, $0.id) }
        let recorded = try await record(
            workspaceID: workspaceID, profile: profile, verified: true,
            setting: npsEnabled.map { ($0, .sync) }, eventIDs: notices, metadata: metadata)
        if recorded.npsEnabled == false { return nil }
        for (campaign, notice) in zip(open, notices) {
            if recorded.found.contains(notice) { return campaign }
            guard campaign.startAt > now else { continue }
            let event = try NewEvent(
                AdminNotified(workspaceID: workspaceID, campaignID: campaign.id),
                id: notice,
                metadata: metadata
            )
            try await log.append([event], to: Streams.workspace(workspaceID))
            return campaign
        }
        return nil
    }

    /// What a survey fetch gets.
    public enum SurveyFetch: Sendable, Equatable {
        /// The campaign, its `SurveyShown` recorded (once).
        case survey(Campaign)
        case unknownCampaign
        /// The workspace's last recorded NPS setting is off: no campaign for it.
        case optedOut
    }

    /// The survey fetch: the campaign, recording `SurveyShown` on the first fetch.
    ///
    /// Answered whenever the campaign is known, whatever the time: Rocket.Chat
    /// fetches on the calendar day of `startAt` in its own time zone, which
    /// begins up to 24 hours before `startAt` (14 hours in UTC+14 for a start
    /// at midnight UTC, nearly 24 for a start late in the local day), and a
    /// fetch that is not answered 2xx means the banner is never shown.
    public func surveyFetched(
        workspaceID: String, campaignID: String, metadata: EventMetadata
    ) async throws -> SurveyFetch {
        guard let campaign = try await campaigns.campaign(campaignID) else { return .unknownCampaign }
        let shown = EventID.named("SurveyShown", workspaceID, campaignID)
        let recorded = try await record(
            workspaceID: workspaceID, profile: nil, verified: true, setting: nil, eventIDs: [shown],
            metadata: metadata)
        if recorded.npsEnabled == false { return .optedOut }
        if !recorded.found.contains(shown) {
            let event = try NewEvent(
                SurveyShown(workspaceID: workspaceID, campaignID: campaignID), id: shown, metadata: metadata)
            try await log.append([event], to: Streams.workspace(workspaceID))
        }
        return .survey(campaign)
    }

    /// Records what a workspace said of itself (its profile, its NPS setting
    /// and where it came from) where it changed, after reading the
    /// workspace's streams and `eventIDs` in one round trip. Returns the NPS
    /// setting as it now stands (nil if never recorded) and which of
    /// `eventIDs` are in the log.
    func record(
        workspaceID: String,
        profile: WorkspaceProfile?,
        verified: Bool,
        setting: (enabled: Bool, source: SettingToggled.Source)?,
        eventIDs: [UUID] = [],
        metadata: EventMetadata
    ) async throws -> (npsEnabled: Bool?, found: Set<UUID>) {
        let profileStream = Streams.profile(workspaceID)
        let settingStream = Streams.npsSetting(workspaceID)
        let read = try await log.lookUp(
            lastOf: profile == nil ? [settingStream] : [profileStream, settingStream], eventIDs: eventIDs)
        if let profile {
            try await profiles.record(
                profile, workspaceID: workspaceID, verified: verified, metadata: metadata,
                after: read.last[profileStream])
        }
        let lastSetting = read.last[settingStream]
        guard let setting else { return (try Self.npsSetting(lastSetting), Set(read.found.keys)) }
        try await log.appendAfter(lastSetting, of: settingStream) { last in
            if try Self.npsSetting(last) == setting.enabled { return nil }
            return try NewEvent(
                SettingToggled(workspaceID: workspaceID, enabled: setting.enabled, source: setting.source),
                metadata: metadata)
        }
        return (setting.enabled, Set(read.found.keys))
    }

    /// The NPS setting a `SettingToggled` recorded; nil for none.
    private static func npsSetting(_ event: RecordedEvent?) throws -> Bool? {
        guard let event, case .settingToggled(let setting) = try event.decoded() else { return nil }
        return setting.enabled
    }
}

public struct InvalidWorkspaceID: Error, CustomStringConvertible {
    public var workspaceID: String
    public var description: String {
        "a workspace id is 1 to \(Limits.idLength) letters, digits, '-', '_' or '.'"
    }
}
