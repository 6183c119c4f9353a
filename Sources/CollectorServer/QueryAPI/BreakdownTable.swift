import NPSDomain
import Projections

/// A campaign's breakdown by roles or by a segment dimension, as every
/// route shows it (JSON, CSV, the dashboard): each row against the rest of
/// the campaign, with Benjamini–Hochberg q-values across the rows, since an
/// analyst scanning thirty rows would otherwise find "significant" ones by
/// chance.
struct BreakdownTable: Sendable {
    struct Row: Sendable {
        /// The role or segment value; nil is an unknown segment.
        var label: String?
        var summary: NPSSummary
        var withheld: Bool
        /// Workspaces in a segment row; nil for a role.
        var workspaces: Int?
        /// The row's NPS less the rest of the campaign's.
        var difference: NPSDifference?
        var q: Double?
    }

    var campaignID: String
    var dimension: BreakdownDimension
    var total: NPSSummary
    var totalWithheld: Bool
    /// The campaign's workspace-clustered estimate; nil for roles.
    var clustered: ClusteredEstimate?
    var clusters: Int?
    var rows: [Row]
    /// The withheld workspaces of a segment breakdown: counts only.
    var withheldVotes: Int?

    static func roles(_ disclosed: PrivacyLayer.DisclosedRoles, isPublished: Bool) -> BreakdownTable {
        let total = disclosed.summary.nps
        let totalWithheld = !isPublished
        var rows = disclosed.summary.roles.keys.sorted().map { role in
            let summary = (disclosed.summary.roles[role] ?? ScoreDistribution()).summary
            let withheld = disclosed.roles.isWithheld(role)
            var row = Row(label: role, summary: summary, withheld: withheld)
            // The votes without the role: the campaign less it (rule 4 keeps them none or k and more).
            if !withheld, let rest = Self.rest(of: summary, in: total) {
                row.difference = NPSDifference(summary, against: rest)
            }
            return row
        }
        adjust(&rows)
        return BreakdownTable(
            campaignID: disclosed.campaign.id, dimension: .role, total: total, totalWithheld: totalWithheld,
            rows: rows)
    }

    static func segments(_ breakdown: PrivacyLayer.SegmentBreakdown, dimension: BreakdownDimension) -> BreakdownTable {
        let withheld = !breakdown.campaign.isPublished
        var rows = breakdown.cells.map { cell in
            var row = Row(
                label: cell.value, summary: cell.sums.summary, withheld: withheld, workspaces: cell.sums.clusters)
            if !withheld {
                row.difference = NPSDifference(clustered: cell.sums, against: breakdown.total - cell.sums)
            }
            return row
        }
        adjust(&rows)
        return BreakdownTable(
            campaignID: breakdown.campaign.campaign.id, dimension: dimension, total: breakdown.total.summary,
            totalWithheld: withheld, clustered: withheld ? nil : ClusteredEstimate(breakdown.total),
            clusters: withheld ? nil : breakdown.total.clusters, rows: rows, withheldVotes: breakdown.pool.votes)
    }

    private static func rest(of part: NPSSummary, in total: NPSSummary) -> NPSSummary? {
        guard total.n > part.n else { return nil }
        return NPSSummary(
            promoters: total.promoters - part.promoters, passives: total.passives - part.passives,
            detractors: total.detractors - part.detractors)
    }

    private static func adjust(_ rows: inout [Row]) {
        let q = FalseDiscoveryRate.benjaminiHochberg(rows.map { $0.difference?.pValue })
        for index in rows.indices { rows[index].q = q[index] }
    }
}
