/// Any event of the log, decoded and upcast to its current payload version.
public enum NPSEvent: Sendable, Equatable {
    case campaignAnnounced(CampaignAnnounced)
    case campaignClosed(CampaignClosed)
    case landingPageConfigured(LandingPageConfigured)
    case adminNotified(AdminNotified)
    case surveyShown(SurveyShown)
    case voteCast(VoteCast)
    case resultsReceived(ResultsReceived)
    case settingToggled(SettingToggled)
    case statisticsReported(StatisticsReported)
    case workspaceProfileChanged(WorkspaceProfileChanged)
    case workspaceRegistered(WorkspaceRegistered)
    case workspacePurged(WorkspacePurged)
}

public enum EventDecodingError: Error, Equatable, CustomStringConvertible {
    case unknownType(String)
    case newerVersion(type: String, version: Int, newestKnown: Int)
    case missingUpcaster(type: String, fromVersion: Int)
    case malformed(type: String, version: Int, reason: String)

    public var description: String {
        switch self {
        case .unknownType(let type):
            "unknown event type \(type)"
        case .newerVersion(let type, let version, let newestKnown):
            "\(type) version \(version) is newer than this binary understands (\(newestKnown))"
        case .missingUpcaster(let type, let fromVersion):
            "no upcaster for \(type) from version \(fromVersion)"
        case .malformed(let type, let version, let reason):
            "malformed \(type) version \(version): \(reason)"
        }
    }
}

/// Decodes stored payloads, upcasting old versions first. The stream id is
/// part of what is decoded: a payload may leave to it what it names (`VoteCast`).
public struct EventDecoder: Sendable {
    private let upcasters: [EventType: [Int: PayloadUpcaster]]

    public init(upcasters: [PayloadUpcaster] = PayloadUpcaster.all) {
        self.upcasters = Dictionary(grouping: upcasters, by: \.eventType)
            .mapValues { Dictionary(uniqueKeysWithValues: $0.map { ($0.fromVersion, $0) }) }
    }

    public func decode(type: String, schemaVersion: Int, payload: String, streamID: String) throws -> NPSEvent {
        guard let eventType = EventType(rawValue: type) else {
            throw EventDecodingError.unknownType(type)
        }
        func decoded<Payload: EventPayload>(_ kind: Payload.Type) throws -> Payload {
            try decode(kind, schemaVersion, payload, streamID: streamID)
        }
        switch eventType {
        case .campaignAnnounced: return .campaignAnnounced(try decoded(CampaignAnnounced.self))
        case .campaignClosed: return .campaignClosed(try decoded(CampaignClosed.self))
        case .landingPageConfigured:
            return .landingPageConfigured(try decoded(LandingPageConfigured.self))
        case .adminNotified: return .adminNotified(try decoded(AdminNotified.self))
        case .surveyShown: return .surveyShown(try decoded(SurveyShown.self))
        case .voteCast: return .voteCast(try decoded(VoteCast.self))
        case .resultsReceived: return .resultsReceived(try decoded(ResultsReceived.self))
        case .settingToggled: return .settingToggled(try decoded(SettingToggled.self))
        case .statisticsReported:
            return .statisticsReported(try decoded(StatisticsReported.self))
        case .workspaceProfileChanged:
            return .workspaceProfileChanged(try decoded(WorkspaceProfileChanged.self))
        case .workspaceRegistered:
            return .workspaceRegistered(try decoded(WorkspaceRegistered.self))
        case .workspacePurged: return .workspacePurged(try decoded(WorkspacePurged.self))
        }
    }

    public func decode<Payload: EventPayload>(
        _ type: Payload.Type,
        _ schemaVersion: Int,
        _ payload: String,
        streamID: String? = nil
    ) throws -> Payload {
        let name = Payload.eventType.rawValue
        guard schemaVersion <= Payload.schemaVersion else {
            throw EventDecodingError.newerVersion(
                type: name,
                version: schemaVersion,
                newestKnown: Payload.schemaVersion
            )
        }
        do {
            if schemaVersion == Payload.schemaVersion {
                return try EventJSON.decode(Payload.self, from: payload, streamID: streamID)
            }
            var json = try EventJSON.decode(JSONValue.self, from: payload)
            for version in schemaVersion..<Payload.schemaVersion {
                guard let upcaster = upcasters[Payload.eventType]?[version] else {
                    throw EventDecodingError.missingUpcaster(type: name, fromVersion: version)
                }
                json = try upcaster.upcast(json)
            }
            return try EventJSON.decode(Payload.self, from: try EventJSON.encode(json), streamID: streamID)
        } catch let error as EventDecodingError {
            throw error
        } catch {
            throw EventDecodingError.malformed(type: name, version: schemaVersion, reason: "\(error)")
        }
    }
}
