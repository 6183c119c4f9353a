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

/// The statistics payload (`POST /`). The whole document goes to
/// `statistics_documents`, outside the log, for the retention period; the
/// log gets the facts the read models use when they change
/// (`WorkspaceProfileChanged`) and the NPS setting derived from
/// `settings.general.nps.surveyEnabled` when it changes (`SettingToggled`).
/// A workspace that reports the same thing every day adds nothing to the log.
public struct StatisticsIngest: Sendable {
    public let log: EventLog
    public let workspaces: WorkspaceService
    public let documents: StatisticsDocuments

    public init(log: EventLog, workspaces: WorkspaceService, documents: StatisticsDocuments) {
        self.log = log
        self.workspaces = workspaces
        self.documents = documents
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
        // Newer Rocket.Chat versions send an unconfirmed report again with the same _id: one report, one row.
        let reportID =
            document["_id"]?.stringValue.map { EventID.named("StatisticsReported", workspaceID, $0) } ?? EventID.make()
        try await documents.keep(
            reportID: reportID, workspaceID: workspaceID, verified: verified, receivedAt: log.clock.now,
            document: document)

        // Anyone may send statistics without a token, so an unverified report
        // describes (profile, setting) only workspaces that are not registered.
        let mayDescribe = verified ? true : try await !workspaces.isRegistered(workspaceID)
        guard mayDescribe else { return .recorded(statsToken: reportID.uuidString.lowercased()) }
        _ = try await workspaces.record(
            workspaceID: workspaceID, profile: WorkspaceProfile(statistics: document), verified: verified,
            setting: document["settings"]?["general"]?["nps"]?["surveyEnabled"]?.boolValue.map { ($0, .statistics) },
            metadata: metadata)
        return .recorded(statsToken: reportID.uuidString.lowercased())
    }
}
