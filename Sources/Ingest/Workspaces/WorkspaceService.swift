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

    public init(log: EventLog, campaigns: CampaignStore, tokens: TokenStore) {
        self.log = log
        self.campaigns = campaigns
        self.tokens = tokens
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

    /// The periodic sync: records the NPS setting when it changed, and returns
    /// the campaign to hand out, if any, appending `AdminNotified` the first
    /// time this workspace gets it.
    ///
    /// A campaign is handed out only to a workspace with NPS enabled, only
    /// while it is open, and for the first time only before its start: a
    /// Rocket.Chat server that learns of a campaign after its start raises
    /// inside its sync (upstream issue #33222), and could not show it anyway.
    public func sync(
        workspaceID: String,
        npsEnabled: Bool?,
        metadata: EventMetadata,
        now: Date? = nil
    ) async throws -> Campaign? {
        let now = now ?? log.clock.now
        if let npsEnabled {
            try await recordSetting(workspaceID: workspaceID, enabled: npsEnabled, source: .sync, metadata: metadata)
            if !npsEnabled { return nil }
        }
        for campaign in try await campaigns.load().open(at: now) {
            let notice = EventID.named("AdminNotified", workspaceID, campaign.id)
            if try await log.contains(notice) { return campaign }
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

    /// The survey fetch: the campaign, recording `SurveyShown` on the first fetch. Nil for an unknown campaign.
    public func surveyFetched(
        workspaceID: String, campaignID: String, metadata: EventMetadata
    ) async throws -> Campaign? {
        guard let campaign = try await campaigns.campaign(campaignID) else { return nil }
        let event = try NewEvent(
            SurveyShown(workspaceID: workspaceID, campaignID: campaignID),
            id: EventID.named("SurveyShown", workspaceID, campaignID),
            metadata: metadata
        )
        try await log.append([event], to: Streams.workspace(workspaceID))
        return campaign
    }

    /// Appends `SettingToggled` when `enabled` differs from the last recorded
    /// value (or none was recorded yet).
    public func recordSetting(
        workspaceID: String,
        enabled: Bool,
        source: SettingToggled.Source,
        metadata: EventMetadata
    ) async throws {
        let stream = Streams.npsSetting(workspaceID)
        for attempt in 1...5 {
            let last = try await log.lastEvent(of: stream)
            if let last, case .settingToggled(let setting) = try last.decoded(), setting.enabled == enabled {
                return
            }
            let event = try NewEvent(
                SettingToggled(workspaceID: workspaceID, enabled: enabled, source: source),
                metadata: metadata
            )
            do {
                try await log.append(
                    [event], to: stream, expectedVersion: last.map { .exactly($0.streamVersion) } ?? .noStream)
                return
            } catch is WrongExpectedVersion where attempt < 5 {
                continue
            }
        }
    }
}

public struct InvalidWorkspaceID: Error, CustomStringConvertible {
    public var workspaceID: String
    public var description: String {
        "a workspace id is 1 to \(Limits.idLength) letters, digits, '-', '_' or '.'"
    }
}
