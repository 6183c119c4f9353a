/// The additive sums a workspace-clustered estimate of a group's NPS needs:
/// for clusters i (workspaces) of nᵢ votes with net yᵢ = Pᵢ − Dᵢ, their
/// number m, N = Σnᵢ, P, D, Σyᵢ², Σyᵢnᵢ and Σnᵢ². Additive, so a segment's
/// sums are its workspaces' and the rest of a campaign is the campaign less
/// the segment.
public struct ClusterSums: Sendable, Hashable {
    public var clusters: Int
    public var votes: Int
    public var promoters: Int
    public var detractors: Int
    public var netSquares: Int
    public var netTimesVotes: Int
    public var voteSquares: Int

    public init(
        clusters: Int, votes: Int, promoters: Int, detractors: Int, netSquares: Int, netTimesVotes: Int,
        voteSquares: Int
    ) {
        self.clusters = clusters
        self.votes = votes
        self.promoters = promoters
        self.detractors = detractors
        self.netSquares = netSquares
        self.netTimesVotes = netTimesVotes
        self.voteSquares = voteSquares
    }

    /// One cluster; one of no votes counts as none.
    public init(cluster votes: Int, promoters: Int, detractors: Int) {
        let net = promoters - detractors
        self.init(
            clusters: votes > 0 ? 1 : 0, votes: votes, promoters: promoters, detractors: detractors,
            netSquares: net * net, netTimesVotes: net * votes, voteSquares: votes * votes)
    }

    public static let zero = ClusterSums(
        clusters: 0, votes: 0, promoters: 0, detractors: 0, netSquares: 0, netTimesVotes: 0, voteSquares: 0)

    public var summary: NPSSummary {
        NPSSummary(promoters: promoters, passives: votes - promoters - detractors, detractors: detractors)
    }

    public static func + (lhs: ClusterSums, rhs: ClusterSums) -> ClusterSums {
        ClusterSums(
            clusters: lhs.clusters + rhs.clusters, votes: lhs.votes + rhs.votes,
            promoters: lhs.promoters + rhs.promoters, detractors: lhs.detractors + rhs.detractors,
            netSquares: lhs.netSquares + rhs.netSquares, netTimesVotes: lhs.netTimesVotes + rhs.netTimesVotes,
            voteSquares: lhs.voteSquares + rhs.voteSquares)
    }

    /// `lhs` without the clusters of `rhs`, which must be among them.
    public static func - (lhs: ClusterSums, rhs: ClusterSums) -> ClusterSums {
        ClusterSums(
            clusters: lhs.clusters - rhs.clusters, votes: lhs.votes - rhs.votes,
            promoters: lhs.promoters - rhs.promoters, detractors: lhs.detractors - rhs.detractors,
            netSquares: lhs.netSquares - rhs.netSquares, netTimesVotes: lhs.netTimesVotes - rhs.netTimesVotes,
            voteSquares: lhs.voteSquares - rhs.voteSquares)
    }
}
