/// Which workspaces of a campaign show their figures: rules 1 to 3 of
/// `Disclosure`, which depend on nothing but each workspace's count of votes
/// and the campaign's total. `Disclosure` decides them through this type;
/// the workspace page, its export and a workspace's own page use it alone,
/// decided from counts the votes fold keeps in index order
/// (`WorkspaceTallyQuery`), so they never read every voter group.
///
/// Primary suppression withholds every workspace under k. Complementary
/// suppression (`PrivacyThreshold.needsComplement`) then withholds at most
/// one more: the smallest workspace of k votes or more (ties: the smallest
/// id), when those under k are one workspace or hold fewer than k votes.
public struct WorkspaceDisclosure: Sendable, Equatable {
    public let threshold: PrivacyThreshold
    public let isTotalPublished: Bool
    /// The workspace of k votes or more withheld with those under k, if any.
    public let complement: String?
    /// The votes of the withheld workspaces together, while the total is published.
    public let pool: Int

    /// - Parameters:
    ///   - belowThreshold: how many workspaces hold 1 to k − 1 votes, and their votes together.
    ///   - smallestAtThreshold: the workspace of k votes or more that sorts first by
    ///     (votes, id), and its votes, if there is one.
    public init(
        threshold: PrivacyThreshold, isTotalPublished: Bool, belowThreshold: (workspaces: Int, votes: Int),
        smallestAtThreshold: (workspaceID: String, votes: Int)?
    ) {
        self.threshold = threshold
        self.isTotalPublished = isTotalPublished
        let needsComplement = threshold.needsComplement(
            withheldCells: belowThreshold.workspaces, pool: belowThreshold.votes)
        let complement = isTotalPublished && needsComplement ? smallestAtThreshold : nil
        self.complement = complement?.workspaceID
        self.pool = belowThreshold.votes + (complement?.votes ?? 0)
    }

    /// While the campaign's total is withheld, every workspace is.
    public static func totalWithheld(threshold: PrivacyThreshold) -> WorkspaceDisclosure {
        WorkspaceDisclosure(
            threshold: threshold, isTotalPublished: false, belowThreshold: (0, 0), smallestAtThreshold: nil)
    }

    /// Whether a workspace holding `votes` shows its figures.
    public func isPublished(_ workspaceID: String, votes: Int) -> Bool {
        isTotalPublished && votes >= threshold.k && workspaceID != complement
    }

    /// Whether a workspace holding `votes` has figures and they are withheld.
    public func isWithheld(_ workspaceID: String, votes: Int) -> Bool {
        votes > 0 && !isPublished(workspaceID, votes: votes)
    }
}
