import Foundation
import Hummingbird
import NPSDomain
import Projections

extension DashboardPages {
    /// FDR level under which a row is flagged: the q of Benjamini–Hochberg.
    static let flaggedBelow = 0.05

    /// A campaign by one segment dimension (`?by=`, default version): bars
    /// with intervals against the campaign, and the same as a table with Δ,
    /// p and q; rows whose q is under 5 % are flagged.
    func segments(_ id: String, _ request: Request) async throws -> Response {
        let parameters = QueryParameters(request)
        let dimension: BreakdownDimension = try parameters.choice("by", default: .version)
        let table = try await reader.read { try await BreakdownController.table(id, by: dimension, $0) }
        let tabs = BreakdownDimension.allCases.map { choice in
            let label = choice.segment?.title ?? "Role"
            return choice == dimension
                ? "<strong>\(label)</strong>"
                : #"<a href="/dashboard/campaigns/\#(HTML.urlComponent(id))/segments?by=\#(choice.rawValue)">\#(label)</a>"#
        }.joined(separator: " · ")
        var body = #"<p><a href="/dashboard/campaigns/\#(HTML.urlComponent(id))">Back to the campaign</a></p>"#
        body += "<p id=\"dimensions\">\(tabs)</p>"
        if table.totalWithheld {
            body += #"<p class="hidden-cell">\#(table.total.n) votes: the campaign's figures are withheld.</p>"#
            return HTML.page(title: "Campaign \(id): segments", body)
        }
        body += clusteredLine(table)
        let points = table.rows.map { row in
            SVGCharts.TrendPoint(
                label: row.label ?? "unknown", score: row.withheld ? nil : row.summary.score,
                interval: row.withheld ? nil : row.summary.interval())
        }
        body += SVGCharts.segments(points, reference: table.total.score)
        body += segmentTable(table)
        return HTML.page(title: "Campaign \(id): segments", body)
    }

    private func clusteredLine(_ table: BreakdownTable) -> String {
        guard let clustered = table.clustered else { return "" }
        let deff = clustered.designEffect.map { String(format: "%.2f", $0) } ?? "—"
        return """
            <p>Campaign: <span class="figure">\(HTML.nps(table.total.score))</span> NPS, adjusted-Wald 95 % \
            interval \(HTML.interval(table.total.interval())); clustered by workspace \
            <span id="clustered-interval">\(HTML.interval(clustered.interval(confidence: .ninetyFivePercent)))</span> \
            (design effect <span id="design-effect">\(deff)</span>, \(table.clusters ?? 0) workspaces).</p>
            <p class="muted">Each segment counts the published workspaces by the profile they reported before \
            their results; the \(table.withheldVotes ?? 0) votes of workspaces withheld by the privacy rule \
            count only in the campaign. Δ is a segment less the rest of the campaign; q is adjusted for the \
            number of rows (Benjamini–Hochberg), and rows with q under \(Int(Self.flaggedBelow * 100)) % are flagged.</p>
            """
    }

    private func segmentTable(_ table: BreakdownTable) -> String {
        let rows = table.rows.map { row in
            let label = row.label ?? "unknown"
            let flagged = (row.q ?? 1) < Self.flaggedBelow
            let difference = row.difference
            let p = difference?.pValue.map { String(format: "%.3g", $0) } ?? ""
            let q = row.q.map { String(format: "%.3g", $0) } ?? ""
            return """
                <tr data-segment="\(HTML.escape(label))"\(flagged ? #" class="flagged""# : "")>\
                <td>\(HTML.escape(label))\(flagged ? " ⚑" : "")</td>\
                <td class="num">\(row.workspaces.map(String.init) ?? "")</td>\
                \(cell(row.summary, votes: row.summary.n, withheld: row.withheld))\
                <td class="num">\(difference.map { HTML.nps($0.delta) } ?? "")</td>\
                <td class="num">\(difference.map { HTML.interval($0.interval()) } ?? "")</td>\
                <td class="num">\(p)</td><td class="num">\(q)</td></tr>
                """
        }.joined()
        return """
            <div class="scroll"><table id="segments"><thead><tr><th>\(table.dimension.segment?.title ?? "Role")</th>\
            <th class="num">Workspaces</th><th class="num">Votes</th><th class="num">NPS</th>\
            <th class="num">95 % interval</th><th class="num">Δ to the rest</th><th class="num">95 % interval of Δ</th>\
            <th class="num">p</th><th class="num">q</th></tr></thead><tbody>\(rows)</tbody></table></div>
            """
    }
}
