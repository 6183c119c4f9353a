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

/// Decodes stored payloads, upcasting old versions first.
public struct EventDecoder: Sendable {
    private let upcasters: [EventType: [Int: PayloadUpcaster]]

    public init(upcasters: [PayloadUpcaster] = PayloadUpcaster.all) {
        self.upcasters = Dictionary(grouping: upcasters, by: \.eventType)
            .mapValues { Dictionary(uniqueKeysWithValues: $0.map { ($0.fromVersion, $0) }) }
    }

    public func decode(type: String, schemaVersion: Int, payload: String) throws -> NPSEvent {
        guard let eventType = EventType(rawValue: type) else {
            throw EventDecodingError.unknownType(type)
        }
        switch eventType {
        case .campaignAnnounced: return .campaignAnnounced(try decode(CampaignAnnounced.self, schemaVersion, payload))
        case .campaignClosed: return .campaignClosed(try decode(CampaignClosed.self, schemaVersion, payload))
        case .landingPageConfigured:
            return .landingPageConfigured(try decode(LandingPageConfigured.self, schemaVersion, payload))
        case .adminNotified: return .adminNotified(try decode(AdminNotified.self, schemaVersion, payload))
        case .surveyShown: return .surveyShown(try decode(SurveyShown.self, schemaVersion, payload))
        case .voteCast: return .voteCast(try decode(VoteCast.self, schemaVersion, payload))
        case .resultsReceived: return .resultsReceived(try decode(ResultsReceived.self, schemaVersion, payload))
        case .settingToggled: return .settingToggled(try decode(SettingToggled.self, schemaVersion, payload))
        case .statisticsReported:
            return .statisticsReported(try decode(StatisticsReported.self, schemaVersion, payload))
        case .workspaceProfileChanged:
            return .workspaceProfileChanged(try decode(WorkspaceProfileChanged.self, schemaVersion, payload))
        case .workspaceRegistered:
            return .workspaceRegistered(try decode(WorkspaceRegistered.self, schemaVersion, payload))
        case .workspacePurged: return .workspacePurged(try decode(WorkspacePurged.self, schemaVersion, payload))
        }
    }

    public func decode<Payload: EventPayload>(
        _ type: Payload.Type,
        _ schemaVersion: Int,
        _ payload: String
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
                return try EventJSON.decode(Payload.self, from: payload)
            }
            var json = try EventJSON.decode(JSONValue.self, from: payload)
            for version in schemaVersion..<Payload.schemaVersion {
                guard let upcaster = upcasters[Payload.eventType]?[version] else {
                    throw EventDecodingError.missingUpcaster(type: name, fromVersion: version)
                }
                json = try upcaster.upcast(json)
            }
            return try EventJSON.decode(Payload.self, from: try EventJSON.encode(json))
        } catch let error as EventDecodingError {
            throw error
        } catch {
            throw EventDecodingError.malformed(type: name, version: schemaVersion, reason: "\(error)")
        }
    }
}
