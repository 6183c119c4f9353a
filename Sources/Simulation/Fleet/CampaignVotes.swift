import Crypto
import Foundation
import NPSDomain

/// The votes one workspace holds for one campaign, and what becomes of them
/// on the way: which batches are lost (the request failed; Rocket.Chat marks
/// them sent anyway), which are sent twice (stuck in `sending`), and which
/// voters change their vote after it was first sent.
struct CampaignVotes {
    struct Vote: Equatable {
        var identifier: String
        var roles: [String]
        var score: Int
        var comment: String?
        var votedAt: Date
    }

    struct Batch {
        var range: Range<Int>
        var lost: Bool
        var sentTwice: Bool
    }

    var votes: [Vote]
    var batches: [Batch]
    /// Index in `votes` → the vote as changed, sent again a day after the first delivery.
    var changed: [(Int, Vote)]

    static let lostBatch = 0.02
    static let stuckBatch = 0.03
    static let changedVote = 0.01
    static let withComment = 0.3

    init(workspace: SimulatedWorkspace, campaign: Int, settings: SimulationSettings) {
        var random = SplitMix64(seed: settings.seed, 2, UInt64(workspace.index), UInt64(campaign))
        let campaignID = settings.campaignID(campaign)
        let opened = settings.startAt(campaign)
        let count = Int((Double(workspace.activeUsers) * workspace.responseRate * random.uniform(0.8, 1.2)).rounded())
        var votes: [Vote] = []
        votes.reserveCapacity(count)
        for user in 0..<count {
            let userID = Self.userID(workspace: workspace, user: user)
            votes.append(
                Vote(
                    identifier: Self.identifier(userID: userID, campaignID: campaignID),
                    roles: random.pick(Self.roleSets),
                    score: Self.score(for: workspace, &random),
                    comment: random.chance(Self.withComment) ? random.pick(Self.comments) : nil,
                    votedAt: opened.addingTimeInterval((random.unit() * SimulationSettings.duration).rounded())
                ))
        }
        var batches: [Batch] = []
        for first in stride(from: 0, to: votes.count, by: SimulationSettings.batchSize) {
            let lost = random.chance(Self.lostBatch)
            batches.append(
                Batch(
                    range: first..<min(votes.count, first + SimulationSettings.batchSize),
                    lost: lost,
                    sentTwice: !lost && random.chance(Self.stuckBatch)
                ))
        }
        self.votes = votes
        self.batches = batches
        changed = []
        for (index, vote) in votes.enumerated() where random.chance(Self.changedVote) {
            var change = vote
            while change.score == vote.score { change.score = Self.score(for: workspace, &random) }
            changed.append((index, change))
        }
    }

    /// The votes the collector should hold in the end: the last content that
    /// reached it for each voter.
    var delivered: [Vote] {
        var last: [Int: Vote] = [:]
        for batch in batches where !batch.lost {
            for index in batch.range { last[index] = votes[index] }
        }
        for (index, vote) in changed { last[index] = vote }
        return last.keys.sorted().compactMap { last[$0] }
    }

    /// Rocket.Chat's user ids are 17 random characters; these only need to be
    /// stable and distinct, since only their hash leaves the workspace.
    static func userID(workspace: SimulatedWorkspace, user: Int) -> String {
        "\(workspace.id.prefix(8))u\(user)"
    }

    /// Rocket.Chat's `identifier`: lowercase hex SHA-256 of userId + npsId.
    static func identifier(userID: String, campaignID: String) -> String {
        SHA256.hash(data: Array((userID + campaignID).utf8)).lowercaseHex
    }

    static func score(for workspace: SimulatedWorkspace, _ random: inout SplitMix64) -> Int {
        let rest = 1 - workspace.passiveShare
        let promoters = max(0, min(rest, (rest + workspace.nps / 100) / 2))
        let point = random.unit()
        if point < promoters { return random.chance(0.55) ? 10 : 9 }
        if point < promoters + workspace.passiveShare { return random.chance(0.5) ? 8 : 7 }
        return random.pick([(0, 0.04), (1, 0.03), (2, 0.04), (3, 0.07), (4, 0.10), (5, 0.30), (6, 0.42)])
    }

    /// Roles as Rocket.Chat lists them on a vote; every set meets the
    /// campaign's `admin, user`, or the banner would not have been shown.
    static let roleSets: [([String], Double)] = [
        (["user"], 0.82), (["user", "livechat-agent"], 0.06), (["user", "moderator"], 0.05),
        (["admin", "user"], 0.04), (["admin"], 0.03),
    ]

    static let comments: [(String, Double)] = [
        ("Great product, we use it every day 👍", 1), ("Search is slow on big channels.", 1),
        ("Les notifications mobiles arrivent en retard.", 1), ("Muito bom, mas o app desktop trava às vezes.", 1),
        ("Die Videoanrufe sind super 🎉", 1), ("Me encanta la integración con LDAP", 1),
        ("チャンネルの検索がもっと速いといい", 1), ("Очень удобно, спасибо!", 1), ("希望改进移动端体验 🙏", 1),
        ("Too many clicks to start a thread,\nplease simplify", 1), ("\"Omnichannel\" saved our support team", 1),
        ("ok", 1), ("Fast, self-hosted, and our data stays with us. 💯", 1), ("تحديثات كثيرة جدا", 1),
    ]
}
