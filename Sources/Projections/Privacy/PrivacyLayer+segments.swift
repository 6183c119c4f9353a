import NPSDomain

extension PrivacyLayer {
    /// A campaign parted by a segment dimension: the published workspaces by
    /// the value their votes count under, and the withheld ones as
    /// one pool, so that the cells and the pool add up to the campaign.
    public struct SegmentBreakdown: Sendable {
        public var campaign: PublishedCampaign
        public var dimension: SegmentDimension
        /// Most votes first, unknown last; none while the total is withheld.
        public var cells: [SegmentCell]
        /// The withheld workspaces' votes as one cluster: a cell no route
        /// parts, so the clustered interval counts them as one workspace.
        public var pool: ClusterSums
        /// The campaign: the cells and the pool.
        public var total: ClusterSums
    }

    /// The segments of `dimension`; its `total` is the campaign's clustered
    /// sums whichever the dimension (every workspace is in one cell of each).
    ///
    /// Why only published workspaces part: a cell holding a withheld
    /// workspace, less the published ones beside it (the workspace page
    /// shows them), would be that workspace; and the second moments a
    /// clustered interval needs would tell the withheld workspaces apart
    /// (two of them, their sum and the sum of their squares, are solvable).
    /// So every figure here is a function of what the workspace page and
    /// the summary already publish.
    public func segments(
        of campaign: PublishedCampaign, by dimension: SegmentDimension
    ) async throws -> SegmentBreakdown {
        let disclosure = try await workspaceDisclosure(of: campaign)
        let cells = try await SegmentBreakdownQuery(client: source, logger: logger).cells(
            of: campaign.campaign, by: dimension, disclosure: disclosure
        ).sorted { left, right in
            if (left.value == nil) != (right.value == nil) { return right.value == nil }
            if left.sums.votes != right.sums.votes { return left.sums.votes > right.sums.votes }
            return (left.value ?? "").utf8.lexicographicallyPrecedes((right.value ?? "").utf8)
        }
        let published = cells.reduce(ClusterSums.zero) { $0 + $1.sums }
        let summary = campaign.distribution.summary
        let pool = ClusterSums(
            cluster: summary.n - published.votes, promoters: summary.promoters - published.promoters,
            detractors: summary.detractors - published.detractors)
        return SegmentBreakdown(
            campaign: campaign, dimension: dimension, cells: cells, pool: pool, total: published + pool)
    }

    /// The profile `workspaceIDs`' votes count under in `campaign`: labels, no figure of any vote.
    public func segments(of workspaceIDs: [String], in campaign: Campaign) async throws -> [String: WorkspaceSegments] {
        try await WorkspaceProfileQuery(client: source, logger: logger).segments(of: workspaceIDs, in: campaign.id)
    }
}
