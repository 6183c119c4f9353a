import EventStore
import Foundation
import Logging
import NPSDomain

public enum StatisticsOutcome: Sendable, Equatable {
    /// Recorded; `statsToken` is what the workspace keeps as the report's receipt.
    case recorded(statsToken: String)
    /// The body is not a statistics document (422).
    case wrongShape(String)
    /// A workspace token reporting for another workspace (403).
    case foreignWorkspace
}

/// The statistics payload (`POST /`): kept whole in `StatisticsReported`
/// (unknown fields included), with the NPS setting derived from
/// `settings.general.nps.surveyEnabled`.
public struct StatisticsIngest: Sendable {
    public let log: EventLog
    public let workspaces: WorkspaceService

    public init(log: EventLog, workspaces: WorkspaceService) {
        self.log = log
        self.workspaces = workspaces
    }

    /// `reporter` is the workspace of the bearer token, or nil when the report came without one.
    public func report(_ received: JSONValue, reporter: String?, requestID: String) async throws -> StatisticsOutcome {
        // Kept as sent, but for U+0000, which PostgreSQL cannot store: it becomes U+FFFD.
        let document = received.replacingNUL
        guard case .object = document else { return .wrongShape("the statistics document must be a JSON object") }
        guard let workspaceID = document["uniqueId"]?.stringValue else {
            return .wrongShape("uniqueId is missing or not a string")
        }
        guard Identifiers.isValid(workspaceID) else {
            return .wrongShape("uniqueId must be 1 to \(Limits.idLength) letters, digits, '-', '_' or '.'")
        }
        if let reporter, reporter != workspaceID { return .foreignWorkspace }
        let verified = reporter != nil
        let metadata = EventMetadata(
            sender: workspaceID,
            requestID: requestID,
            sourceVersion: document["version"]?.stringValue
        )
        // Newer Rocket.Chat versions send an unconfirmed report again with the same _id: one fact, one event.
        let id =
            document["_id"]?.stringValue.map { EventID.named("StatisticsReported", workspaceID, $0) } ?? EventID.make()
        let event = try NewEvent(
            StatisticsReported(workspaceID: workspaceID, verified: verified, document: document),
            id: id,
            metadata: metadata
        )
        try await log.append([event], to: Streams.statistics(workspaceID))

        // Anyone may send statistics without a token, so an unverified report
        // changes the setting of unregistered workspaces only.
        if let enabled = document["settings"]?["general"]?["nps"]?["surveyEnabled"]?.boolValue {
            let mayChangeSetting = verified ? true : try await !workspaces.isRegistered(workspaceID)
            if mayChangeSetting {
                try await workspaces.recordSetting(
                    workspaceID: workspaceID,
                    enabled: enabled,
                    source: .statistics,
                    metadata: metadata
                )
            }
        }
        return .recorded(statsToken: id.uuidString.lowercased())
    }
}
