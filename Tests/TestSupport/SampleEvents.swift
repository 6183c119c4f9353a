import EventStore
import Foundation
import NPSDomain

/// Small, valid events for tests that care about the log, not the payload.
public enum SampleEvents {
    public static func votes(_ count: Int, campaign: String = "c1", workspace: String = "w1") -> [NewEvent] {
        (0..<count).map { index in
            let vote = VoteCast(
                campaignID: campaign,
                workspaceID: workspace,
                identifier: String(repeating: "0", count: 56) + String(format: "%08x", index),
                roles: ["user"],
                score: index % 11,
                comment: nil
            )
            return try! NewEvent(vote)
        }
    }
}
