import Foundation
import Hummingbird
import NPSDomain
import Projections

/// The dashboard's pages, rendered from the same read-model queries and
/// privacy rule as the query API.
struct DashboardPages {
    static let workspaceRows = 100
    static let commentRows = 50

    let reader: ReadModelReader

    static func message(title: String, _ text: String) -> Response {
        HTML.page(title: title, "<p>\(HTML.escape(text))</p>")
    }

    static func signIn(error: String? = nil) -> Response {
        let problem = error.map { #"<p class="detractor" role="alert">\#(HTML.escape($0))</p>"# } ?? ""
        return HTML.page(
            title: "Sign in", signedIn: false,
            """
            \(problem)
            <form method="post" action="\(DashboardSession.signInPath)" class="signin">
            <label for="token">Analyst or admin token</label>
            <input id="token" name="token" type="password" autocomplete="off" required>
            <button type="submit">Sign in</button>
            </form>
            """)
    }

    /// A workspace links to its page; a campaign's landing source (no directory entry) is named as such.
    static func source(_ workspaceID: String) -> String {
        guard LandingSource.campaignID(ofWorkspace: workspaceID) == nil else {
            return #"\#(HTML.escape(workspaceID)) <span class="muted">(landing page)</span>"#
        }
        return #"<a href="/dashboard/workspaces/\#(HTML.urlComponent(workspaceID))">\#(HTML.escape(workspaceID))</a>"#
    }

    private var threshold: PrivacyThreshold { reader.threshold }

    private func headline(_ summary: NPSSummary, withheld: Bool) -> String {
        if withheld && (summary.n == 0 || threshold.isBelow(count: summary.n)) {
            return
                #"<p class="hidden-cell">\#(summary.n) votes: fewer than \#(threshold.k), so the score is withheld.</p>"#
        }
        if withheld {
            return #"<p class="hidden-cell">\#(summary.n) votes: published once the campaign is closed.</p>"#
        }
        return """
            <p><span class="figure" id="nps">\(HTML.nps(summary.score))</span> NPS \
            <span class="muted">(95 % interval <span id="interval">\(HTML.interval(summary.interval()))</span>, \
            <span id="votes">\(summary.n)</span> votes)</span></p>
            """
    }

    func cell(_ summary: NPSSummary, votes: Int, withheld: Bool) -> String {
        if withheld {
            let reason = threshold.isBelow(count: votes) ? "below threshold" : "withheld"
            return #"<td class="num">\#(votes)</td><td class="hidden-cell" colspan="2">\#(reason)</td>"#
        }
        return """
            <td class="num">\(votes)</td><td class="num">\(HTML.nps(summary.score))</td>\
            <td class="num">\(HTML.interval(summary.interval()))</td>
            """
    }

    func overview() async throws -> Response {
        let campaigns = try await reader.read { try await $0.campaigns() }
        let now = reader.clock.now
        var rows = ""
        var points: [SVGCharts.TrendPoint] = []
        for overview in campaigns {
            let summary = overview.distribution.summary
            let withheld = !overview.isPublished
            let id = overview.campaign.id
            rows += """
                <tr data-campaign="\(HTML.escape(id))"><td><a href="/dashboard/campaigns/\(HTML.urlComponent(id))">\
                \(HTML.escape(id))</a></td><td>\(overview.campaign.state(at: now).rawValue)</td>\
                <td>\(HTML.date(overview.campaign.startAt))</td>\(cell(summary, votes: summary.n, withheld: withheld))\
                <td class="num">\(overview.overview.votingWorkspaces)</td></tr>
                """
            points.append(
                .init(
                    label: id, score: withheld ? nil : summary.score,
                    interval: withheld ? nil : summary.interval()))
        }
        return HTML.page(
            title: "Campaigns",
            """
            <p class="muted">Every campaign's votes pooled over all workspaces. Votes cluster by workspace, \
            so the pooled interval understates the uncertainty. Groups under \(threshold.k) votes are withheld.</p>
            <div class="scroll"><table id="campaigns"><thead><tr><th>Campaign</th><th>State</th><th>Start</th>\
            <th class="num">Votes</th><th class="num">NPS</th><th class="num">95 % interval</th>\
            <th class="num">Voting workspaces</th></tr></thead><tbody>\(rows)</tbody></table></div>
            <h2>Trend</h2>
            \(SVGCharts.trend(points))
            """)
    }

    /// Every figure of the page from one snapshot, as one answer of the API.
    func campaign(_ id: String, _ request: Request) async throws -> Response {
        let parameters = QueryParameters(request)
        let sort: WorkspaceSort = try parameters.choice("sort", default: .votes)
        let order: SortOrder = try parameters.choice("order", default: .desc)
        let category: NPSCategory? = try parameters.optionalChoice("category")
        let body = try await reader.read { layer in
            let campaign = try await layer.requireCampaign(id)
            let disclosed = try await layer.roleBreakdown(of: campaign)
            let withheld = !campaign.isPublished
            var body = headline(disclosed.summary.nps, withheld: withheld)
            if !withheld {
                body += figures(disclosed)
            }
            body += funnel(try await layer.funnel(of: id))
            body +=
                #"<p><a id="segments-link" href="/dashboard/campaigns/\#(HTML.urlComponent(id))/segments">"#
                + "Segments: by version, size, deployment, edition and more</a></p>"
            body += try await workspaceTable(
                id, campaign: campaign.campaign, try await layer.workspaceDisclosure(of: campaign), layer, sort: sort,
                order: order,
                category: category)
            body += try await comments(campaign, layer, category: category, sort: sort, order: order)
            return body
        }
        return HTML.page(title: "Campaign \(id)", body)
    }

    private func figures(_ disclosed: PrivacyLayer.DisclosedRoles) -> String {
        let summary = disclosed.summary
        let nps = summary.nps
        let percentages = NPSStatistics.largestRemainderPercentages([nps.promoters, nps.passives, nps.detractors])
        let scoreRows = ScoreDistribution.scores.map { score in
            let category = NPSCategory(score: score)?.rawValue ?? ""
            return
                #"<tr><td class="\#(category)">\#(score)</td><td class="num">\#(summary.distribution.count(of: score))</td></tr>"#
        }.joined()
        let roleRows = summary.roles.keys.sorted().map { role in
            let distribution = summary.roles[role] ?? ScoreDistribution()
            return """
                <tr data-role="\(HTML.escape(role))"><td>\(HTML.escape(role))</td>\
                \(cell(distribution.summary, votes: distribution.n, withheld: disclosed.roles.isWithheld(role)))</tr>
                """
        }.joined()
        return """
            <h2>Promoters, passives, detractors</h2>
            \(SVGCharts.categories(nps))
            <table id="categories"><tbody>\
            <tr><td class="promoter">Promoters (9–10)</td><td class="num">\(nps.promoters)</td><td class="num">\(percentages[0]) %</td></tr>\
            <tr><td class="passive">Passives (7–8)</td><td class="num">\(nps.passives)</td><td class="num">\(percentages[1]) %</td></tr>\
            <tr><td class="detractor">Detractors (0–6)</td><td class="num">\(nps.detractors)</td><td class="num">\(percentages[2]) %</td></tr>\
            </tbody></table>
            <h2>Scores 0–10</h2>
            \(SVGCharts.distribution(summary.distribution))
            <details><summary>As a table</summary><table id="distribution"><thead><tr><th>Score</th>\
            <th class="num">Votes</th></tr></thead><tbody>\(scoreRows)</tbody></table></details>
            <h2>Roles</h2>
            <p class="muted">A vote counts once in each of its roles.</p>
            <div class="scroll"><table id="roles"><thead><tr><th>Role</th><th class="num">Votes</th>\
            <th class="num">NPS</th><th class="num">95 % interval</th></tr></thead><tbody>\(roleRows)</tbody></table></div>
            """
    }

    private func funnel(_ funnel: CampaignFunnel) -> String {
        let steps = [
            ("Reached", funnel.announced), ("Notified", funnel.notified), ("Shown", funnel.shown),
            ("Voted", funnel.voted), ("Opted out", funnel.optedOut),
        ]
        let rows = steps.map { #"<tr><td>\#($0.0)</td><td class="num">\#($0.1)</td></tr>"# }.joined()
        let completeness = funnel.deliveryCompleteness.map { String(format: "%.1f %%", $0 * 100) } ?? "unknown"
        return """
            <h2>Funnel (workspaces)</h2>
            \(SVGCharts.funnel(steps))
            <table id="funnel"><tbody>\(rows)<tr><td>Delivery completeness</td><td class="num">\(completeness)</td></tr>\
            </tbody></table>
            """
    }

    private func workspaceTable(
        _ id: String, campaign: Campaign, _ disclosure: WorkspaceDisclosure, _ layer: PrivacyLayer,
        sort: WorkspaceSort,
        order: SortOrder, category: NPSCategory?
    )
        async throws -> String
    {
        var page: [WorkspaceFigures] = []
        try await layer.workspaces(
            of: id, .init(sort: sort, descending: order == .desc, limit: Self.workspaceRows),
            disclosure: disclosure
        ) { figures, _ in page.append(figures) }
        let labels = try await layer.segments(of: page.map(\.workspaceID), in: campaign)
        var rows = ""
        for figures in page {
            let rate = figures.responseRate.map { String(format: "%.0f %%", $0 * 100) } ?? "—"
            let label = labels[figures.workspaceID]?.label.map { #" <span class="muted">\#(HTML.escape($0))</span>"# }
            rows += """
                <tr data-workspace="\(HTML.escape(figures.workspaceID))"><td>\(Self.source(figures.workspaceID))\
                \(label ?? "")</td>\(cell(figures.categories, votes: figures.votes, withheld: figures.isWithheld))\
                <td class="num">\(rate)</td></tr>
                """
        }
        func header(_ label: String, _ column: WorkspaceSort) -> String {
            let next: SortOrder = column == sort && order == .desc ? .asc : .desc
            let mark = column == sort ? (order == .desc ? " ↓" : " ↑") : ""
            let filter = category.map { "&category=\($0.rawValue)" } ?? ""
            return """
                <th class="num"><a href="?sort=\(column.rawValue)&order=\(next.rawValue)\(filter)">\(label)\(mark)</a></th>
                """
        }
        return """
            <h2>Workspaces</h2>
            <p class="muted">The first \(Self.workspaceRows); the full list is GET /api/v1/campaigns/{id}/workspaces.csv.</p>
            <div class="scroll"><table id="workspaces"><thead><tr><th>Workspace</th>\(header("Votes", .votes))\
            \(header("NPS", .nps))<th class="num">95 % interval</th>\(header("Response rate", .responseRate))</tr>\
            </thead><tbody>\(rows)</tbody></table></div>
            """
    }

    private func comments(
        _ campaign: PrivacyLayer.PublishedCampaign, _ layer: PrivacyLayer, category: NPSCategory?,
        sort: WorkspaceSort, order: SortOrder
    ) async throws -> String {
        var items = ""
        try await layer.comments(of: campaign, category: category, limit: Self.commentRows) { vote, _ in
            let category = vote.category?.rawValue ?? ""
            items += """
                <div class="comment" data-category="\(category)"><span class="\(category)">\(vote.score)</span> \
                \(HTML.escape(vote.comment ?? ""))</div>
                """
        }
        let links = ([nil] + NPSCategory.allCases.map { Optional($0) }).map { choice in
            let label = choice.map { $0.rawValue + "s" } ?? "all"
            let query =
                "?sort=\(sort.rawValue)&order=\(order.rawValue)" + (choice.map { "&category=\($0.rawValue)" } ?? "")
            return choice == category ? "<strong>\(label)</strong>" : #"<a href="\#(query)#comments">\#(label)</a>"#
        }.joined(separator: " ")
        return """
            <h2 id="comments">Comments</h2>
            <nav class="filters">\(links)</nav>
            <p class="muted">Comments are listed without their workspace when its figures are withheld, \
            and not at all while the campaign's are.</p>
            \(items.isEmpty ? "<p>No comments.</p>" : items)
            """
    }

    func workspace(_ id: String) async throws -> Response {
        let (entry, campaigns) = try await reader.read { try await $0.requireWorkspace(id) }
        var points: [SVGCharts.TrendPoint] = []
        var rows = ""
        for campaign in campaigns {
            let summary = campaign.distribution.summary
            let withheld = campaign.isWithheld
            points.append(
                .init(
                    label: campaign.campaignID, score: withheld ? nil : summary.score,
                    interval: withheld ? nil : summary.interval()))
            rows += """
                <tr><td>\(HTML.escape(campaign.campaignID))</td>\(cell(summary, votes: summary.n, withheld: withheld))</tr>
                """
        }
        let settings = entry.settingChanges.map { change in
            "<tr><td>\(HTML.date(change.changedAt))</td><td>\(change.enabled ? "on" : "off")</td><td>\(HTML.escape(change.source))</td></tr>"
        }.joined()
        let setting = entry.npsEnabled.map { $0 ? "on" : "off" } ?? "unknown"
        return HTML.page(
            title: "Workspace \(id)",
            """
            <table id="directory"><tbody>
            <tr><td>Registered</td><td>\(HTML.date(entry.registeredAt))</td></tr>
            <tr><td>Version</td><td>\(HTML.escape(entry.version ?? "—"))</td></tr>
            <tr><td>Active users</td><td>\(entry.activeUsers.map(String.init) ?? "—")</td></tr>
            <tr><td>Last statistics</td><td>\(HTML.date(entry.statisticsReportedAt))</td></tr>
            <tr><td>NPS survey</td><td id="setting">\(setting)</td></tr>
            </tbody></table>
            <h2>NPS per campaign</h2>
            \(SVGCharts.trend(points, id: "workspace-trend"))
            <div class="scroll"><table id="history"><thead><tr><th>Campaign</th><th class="num">Votes</th>\
            <th class="num">NPS</th><th class="num">95 % interval</th></tr></thead><tbody>\(rows)</tbody></table></div>
            <h2>Setting history</h2>
            <table id="settings"><thead><tr><th>When</th><th>Survey</th><th>Source</th></tr></thead>\
            <tbody>\(settings)</tbody></table>
            """)
    }
}
