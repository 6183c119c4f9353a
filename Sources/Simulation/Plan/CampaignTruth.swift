/// What the collector should answer for one campaign, counted from what the
/// simulated fleet actually delivered (the ground truth `--check` compares).
public struct CampaignTruth: Sendable, Equatable {
    public var campaignID: String
    /// Current votes per score 0–10, after repeats, losses and changes.
    public var distribution = [Int](repeating: 0, count: 11)
    public var notified = 0
    public var shown = 0
    public var voted = 0
    public var optedOut = 0
    /// Sum of the `total` the workspaces that uploaded anything said they hold.
    public var reportedTotal = 0
    /// Current votes of those workspaces.
    public var reportedVoters = 0

    /// Each workspace's delivered votes with its version, for the segments' truth.
    public var workspaces: [WorkspaceVotes] = []

    /// One workspace's current votes in the campaign.
    public struct WorkspaceVotes: Sendable, Equatable {
        public var workspaceID: String
        /// Its value of each segment dimension the simulator knows (`version`, `edition`, `size`,
        /// `industry`, `country`), as the collector derives it.
        public var segments: [String: String]
        public var promoters: Int
        public var passives: Int
        public var detractors: Int
        public var votes: Int { promoters + passives + detractors }
    }

    /// What happened on the way (not compared: the collector cannot know it).
    public var heldVotes = 0
    public var uploads = 0
    public var lostBatches = 0
    public var repeatedBatches = 0
    public var changedVotes = 0

    public init(campaignID: String) {
        self.campaignID = campaignID
    }

    public var votes: Int { distribution.reduce(0, +) }
    public var promoters: Int { distribution[9] + distribution[10] }
    public var passives: Int { distribution[7] + distribution[8] }
    public var detractors: Int { distribution[0...6].reduce(0, +) }
    public var deliveryCompleteness: Double? {
        reportedTotal > 0 ? Double(reportedVoters) / Double(reportedTotal) : nil
    }

    mutating func add(_ other: CampaignTruth) {
        for score in 0...10 { distribution[score] += other.distribution[score] }
        notified += other.notified
        shown += other.shown
        voted += other.voted
        optedOut += other.optedOut
        reportedTotal += other.reportedTotal
        reportedVoters += other.reportedVoters
        workspaces += other.workspaces
        heldVotes += other.heldVotes
        uploads += other.uploads
        lostBatches += other.lostBatches
        repeatedBatches += other.repeatedBatches
        changedVotes += other.changedVotes
    }
}
