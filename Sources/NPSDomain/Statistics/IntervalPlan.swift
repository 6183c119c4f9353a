/// How many votes, and workspaces like the ones that voted, would narrow a
/// campaign's workspace-clustered interval to ± `margin` points: the votes
/// an independent sample needs (`NPSStatistics.sampleSize`, at the per-vote
/// variance seen so far, or 1 with no votes), times the design effect, at
/// the votes per workspace seen so far. The design effect is floored at 1
/// here: a plan should not promise fewer votes than independent sampling
/// on the strength of a noisy estimate.
public struct IntervalPlan: Sendable, Hashable {
    public let designEffect: Double
    public let votesNeeded: Int
    public let workspacesNeeded: Int
    public let additionalVotes: Int
    public let additionalWorkspaces: Int

    /// Nil when `margin` is not a positive number of points, or the answer does not fit in an Int.
    /// - Parameters:
    ///   - workspaces: the workspaces that voted (the clusters of `sums` may pool some).
    ///   - knowsScores: false plans from counts alone (variance 1, no design effect).
    public init?(
        sums: ClusterSums, workspaces: Int, margin: Double, confidence: ConfidenceLevel = .ninetyFivePercent,
        knowsScores: Bool = true
    ) {
        let variance = knowsScores ? (sums.summary.variance ?? 1) : 1
        guard let independent = NPSStatistics.sampleSize(margin: margin, variance: variance, confidence: confidence)
        else { return nil }
        designEffect = knowsScores ? max(1, ClusteredEstimate(sums).designEffect ?? 1) : 1
        let votes = (Double(independent) * designEffect).rounded(.up)
        let perWorkspace = workspaces > 0 ? Double(sums.votes) / Double(workspaces) : 1
        let neededWorkspaces = (votes / perWorkspace).rounded(.up)
        guard votes < Double(Int.max), neededWorkspaces < Double(Int.max) else { return nil }
        votesNeeded = Int(votes)
        workspacesNeeded = Int(neededWorkspaces)
        additionalVotes = max(0, votesNeeded - sums.votes)
        additionalWorkspaces = max(0, workspacesNeeded - workspaces)
    }
}
