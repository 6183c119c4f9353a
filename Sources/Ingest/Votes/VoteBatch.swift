import EventStore
import Foundation
import NPSDomain
import PostgresNIO

/// Valid votes of one source (a workspace's upload, a landing-page answer)
/// for one campaign, ready to be recorded: the one place a `VoteCast` is
/// written, deduplicated against `vote_keys` by `record_votes`.
///
/// Who sent the votes and in which request is the metadata of the batch's
/// `ResultsReceived` (`record`), appended in the same transaction to the same
/// stream, so the votes' own metadata is `{}`: it was a fifth of a vote's bytes,
/// a thousand copies of one value per upload. Votes recorded without a new
/// `ResultsReceived` keep it: a quarantine replay (`recordVotes` alone), and
/// a body sent again whose `ResultsReceived` is a repeat but whose votes are
/// not (they changed in between).
struct VoteBatch: Sendable {
    var votes: [VoteItem.Valid]
    var campaignID: String
    var workspaceID: String
    var payloads: [String]
    /// Who sent the batch: the workspace unless said otherwise.
    var metadata: EventMetadata

    init(
        _ votes: [VoteItem.Valid], campaignID: String, workspaceID: String, requestID: String, sender: String? = nil
    ) throws {
        self.votes = votes
        self.campaignID = campaignID
        self.workspaceID = workspaceID
        self.metadata = EventMetadata(sender: sender ?? workspaceID, requestID: requestID)
        self.payloads = try EventJSON.encodeEach(
            votes.map {
                VoteCast(
                    campaignID: campaignID, workspaceID: workspaceID, identifier: $0.identifier, roles: $0.roles,
                    score: $0.score, comment: $0.comment)
            }
        )
    }

    var stream: String { Streams.votes(campaignID: campaignID, workspaceID: workspaceID) }

    /// Appends the votes whose content changed and the upload's `ResultsReceived`, on the caller's
    /// transaction; the answer's `quarantined` is left for the caller.
    func record(_ receipt: Receipt, on connection: PostgresConnection, log: EventLog) async throws -> ResultsAnswer {
        let repeats = try await recordVotes(on: connection, log: log, unlessReceived: receipt.id)
        let received = ResultsReceived(
            campaignID: campaignID,
            workspaceID: workspaceID,
            total: receipt.total,
            items: receipt.items,
            accepted: votes.count - repeats,
            repeats: repeats,
            quarantined: receipt.quarantined
        )
        let event = try NewEvent(received, id: receipt.id, metadata: metadata)
        try await EventLog.append([event], to: stream, on: connection, logger: log.logger)
        return ResultsAnswer(accepted: votes.count - repeats, repeats: repeats, quarantined: [])
    }

    /// Appends the votes whose content changed; returns how many were repeats.
    /// The caller has stated the recording time (`EventLog.stateRecordingTime`) on the transaction.
    /// The votes carry the batch's `metadata`, unless `receipt` is the id of a `ResultsReceived`
    /// not in the log yet, which the caller appends next and which carries it (`record_votes` decides).
    func recordVotes(
        on connection: PostgresConnection, log: EventLog, unlessReceived receipt: UUID? = nil
    ) async throws -> Int {
        guard !votes.isEmpty else { return 0 }
        let rows = try await connection.query(
            """
            SELECT count(*) FILTER (WHERE is_repeat)::int8
              FROM record_votes(
                \(stream), \(campaignID), \(workspaceID),
                \(votes.map(\.identifier)), \(votes.map(\.fingerprint)), \(votes.map { _ in EventID.make() }),
                \(payloads)::jsonb[], \(try EventJSON.encode(metadata))::jsonb, \(Int16(VoteCast.schemaVersion)),
                \(receipt)::uuid)
            """,
            logger: log.logger
        )
        return try await rows.collect().first?.decode(Int.self) ?? 0
    }
}

extension VoteItem.Valid {
    /// Identifies the vote's content: a repeat has the same fingerprint, a changed vote another.
    /// (Roles are a set: the same roles in another order are no change.)
    var fingerprint: UUID {
        EventID.named(String(score), Set(roles).sorted().joined(separator: "\u{1E}"), comment ?? "\u{0}")
    }
}
