import CollectorServer
import EventStore
import Foundation
import HTTPTypes
import Ingest
import NPSDomain
import Projections
import TestSupport
import Testing

/// The attacker of issue 16: random small fleets, every route and export
/// read, every subtraction an analyst can make tried (`PrivacyAttacker`).
/// Most fleets go straight through the privacy layer's rule (`Disclosure`);
/// a smaller number end to end, through the real router on a real database.
@Suite("Privacy attacker", .timeLimit(.minutes(5)))
struct PrivacyAttackerTests {
    static let fleetsInProcess = 2_000

    @Test("2,000 random fleets through the rule: no subtraction isolates fewer than k votes")
    func inProcess() {
        var breaches: [String] = []
        var withholding = 0
        for seed in 1...Self.fleetsInProcess {
            let fleet = PrivacyFleet(seed: UInt64(seed))
            let disclosure = Disclosure(groups: fleet.groups, threshold: PrivacyThreshold(k: fleet.k))
            if disclosure.isTotalPublished && !disclosure.withheldWorkspaces.isEmpty { withholding += 1 }
            breaches += PrivacyAttacker(fleet: fleet, view: AnalystView(disclosure, fleet: fleet)).breaches()
        }
        #expect(breaches.isEmpty, "\(breaches.count) breaches; the first: \(breaches.prefix(5))")
        // The fleets exercise the rule: many publish a total and withhold some workspaces.
        #expect(withholding > Self.fleetsInProcess / 4, "only \(withholding) fleets withhold a workspace")
    }

    /// How many of 200 fleets' views, tampered with by `tamper`, the attacker finds a breach in.
    static func fleetsBreached(_ tamper: (inout AnalystView, PrivacyFleet) -> Void) -> Int {
        (1...200).filter { seed in
            let fleet = PrivacyFleet(seed: UInt64(seed))
            var view = AnalystView(
                Disclosure(groups: fleet.groups, threshold: PrivacyThreshold(k: fleet.k)), fleet: fleet)
            tamper(&view, fleet)
            return !PrivacyAttacker(fleet: fleet, view: view).breaches().isEmpty
        }.count
    }

    @Test("without complementary suppression the attacker finds breaches (the test can fail)")
    func attackerBites() {
        // Publish every workspace of k votes or more, as primary suppression alone would.
        let found = Self.fleetsBreached { view, fleet in
            for (name, group) in view.workspaces { view.workspaces[name]!.isPublished = group.votes >= fleet.k }
        }
        #expect(found > 0)
    }

    @Test("segments that counted withheld workspaces would be breaches (the segment check can fail)")
    func attackerBitesSegments() {
        // Every workspace a segment of its own value, withheld ones counted: a breakdown over all votes.
        let found = Self.fleetsBreached { view, _ in
            for (name, group) in view.workspaces where group.votes > 0 {
                view.segments["version=\(name)"] = .init(votes: group.votes, members: [name])
            }
        }
        #expect(found > 0)
    }

    /// The versions the end-to-end fleets' workspaces report, and their editions.
    static func version(of workspace: String) -> String {
        ["6.1.0", "6.1.3", "7.2.0", "7.2.1", "7.2.5", "8.0.0", "8.0.1", "8.0.2"][Int(workspace.dropFirst()) ?? 0]
    }
    static func edition(of workspace: String) -> Bool { (Int(workspace.dropFirst()) ?? 0) % 3 == 0 }

    static let endToEndKs = [2, 5, 7]
    static let fleetsPerK = 4

    @Test("12 random fleets end to end: summary, breakdown, workspaces, votes, exports, trend, compare, dashboard")
    func endToEnd() async throws {
        let workspaces = (0..<8).map { "w\($0)" }
        for k in Self.endToEndKs {
            try await Collector.with(workspaces: workspaces, privacy: PrivacyThreshold(k: k)) { collector in
                let analyst = try await collector.services.tokens.create(scope: .analyst).token
                for workspace in workspaces {
                    let report =
                        #"{"uniqueId":"\#(workspace)","version":"\#(Self.version(of: workspace))","enterpriseReady":\#(Self.edition(of: workspace))}"#
                    let answer = try await collector.request(
                        .post, "/", token: collector.token(workspace), body: report)
                    #expect(answer.status == .ok)
                }
                for index in 0..<Self.fleetsPerK {
                    let fleet = PrivacyFleet(seed: UInt64(10_000 + k * 100 + index), k: k)
                    let campaign = "fleet\(index)"
                    try await collector.campaign(campaign, startsIn: -60)
                    for (workspace, votes) in Dictionary(grouping: fleet.votes, by: \.workspaceID) {
                        let items = votes.map { Votes.item($0.number, score: $0.score, roles: $0.roles.sorted()) }
                        try await collector.expectUpload(
                            campaign, workspace, accepted: items.count, items, total: items.count)
                    }
                    try await collector.services.campaigns.close(campaign, metadata: .init(sender: "test"))
                    try await ProjectionCatchUp.untilCurrent(collector.database)
                    let view = try await Self.readEverything(campaign, fleet: fleet, collector, token: analyst)
                    let breaches = PrivacyAttacker(fleet: fleet, view: view).breaches()
                    #expect(breaches.isEmpty, "\(breaches)")
                    // The routes show exactly what the rule decides.
                    let rule = AnalystView(
                        Disclosure(groups: fleet.groups, threshold: PrivacyThreshold(k: k)), fleet: fleet)
                    #expect(view.workspaces.mapValues(\.isPublished) == rule.workspaces.mapValues(\.isPublished))
                    #expect(view.roles.mapValues(\.isPublished) == rule.roles.mapValues(\.isPublished))
                    #expect(
                        view.total.isPublished == rule.total.isPublished && view.records.count == rule.records.count)
                }
            }
        }
    }

    /// Every analyst route and export of one campaign, reduced to an
    /// `AnalystView`; on the way, the figures are checked to add up.
    static func readEverything(
        _ campaign: String, fleet: PrivacyFleet, _ collector: Collector, token: String
    ) async throws -> AnalystView {
        func get(_ uri: String) async throws -> Collector.Answer {
            let answer = try await collector.request(.get, uri, token: token)
            #expect(answer.status == .ok, "\(uri): \(answer.body.prefix(300))")
            return answer
        }
        let summary = try await get("/api/v1/campaigns/\(campaign)/summary").json
        let total = AnalystView.Group(
            votes: Int(summary["votes"]?.doubleValue ?? -1), isPublished: summary["withheld"] == false)
        var workspaces: [String: AnalystView.Group] = [:]
        var shownCategories = [0, 0, 0]
        let workspaceRows = try await get("/api/v1/campaigns/\(campaign)/workspaces?limit=500").json
        for row in workspaceRows["rows"]?.arrayValue ?? [] {
            let votes = Int(row["votes"]?.doubleValue ?? -1)
            workspaces[row["workspaceId"]?.stringValue ?? "?"] = .init(
                votes: votes, isPublished: row["withheld"] == false)
            if row["withheld"] == false {
                for (index, name) in ["promoters", "passives", "detractors"].enumerated() {
                    shownCategories[index] += Int(row[name]?.doubleValue ?? 0)
                }
            }
        }
        var roles: [String: AnalystView.Group] = [:]
        for row in try await get("/api/v1/campaigns/\(campaign)/breakdown?by=role").json["rows"]?.arrayValue ?? [] {
            roles[row["role"]?.stringValue ?? "?"] = .init(
                votes: Int(row["votes"]?.doubleValue ?? -1), isPublished: row["withheld"] == false)
        }
        var records: [AnalystView.Record] = []
        var csvRows: [String] = []
        var cursor: String? = nil
        repeat {
            let page = try await get(
                "/api/v1/campaigns/\(campaign)/votes?limit=7" + (cursor.map { "&cursor=\($0)" } ?? "")
            ).json
            for row in page["rows"]?.arrayValue ?? [] {
                let number = Int(row["identifier"]?.stringValue ?? "", radix: 16) ?? -1
                let roleNames = (row["roles"]?.arrayValue ?? []).compactMap(\.stringValue)
                records.append(
                    .init(
                        voteNumber: number, workspaceID: row["workspaceId"]?.stringValue, roles: Set(roleNames),
                        showsTime: row["time"] != .null))
                csvRows.append(
                    [
                        row["identifier"]?.stringValue ?? "", row["workspaceId"]?.stringValue ?? "",
                        roleNames.joined(separator: ";"),
                    ].joined(separator: ","))
            }
            cursor = page["nextCursor"]?.stringValue
        } while cursor != nil

        // The export lists the same records with the same attributes.
        let export = try await get("/api/v1/campaigns/\(campaign)/votes.csv").body
        let exported = export.split(separator: "\r\n").dropFirst().map { line in
            line.split(separator: ",", omittingEmptySubsequences: false).prefix(3).joined(separator: ",")
        }
        #expect(exported.sorted() == csvRows.sorted(), "votes.csv and the vote list differ")
        #expect(Set(records.map(\.voteNumber)).count == records.count, "a record listed twice")
        let workspacesExport = try await get("/api/v1/campaigns/\(campaign)/workspaces.csv").body
        for line in workspacesExport.split(separator: "\r\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            #expect(workspaces[String(fields[0])]?.isPublished == (fields[3] == "false"), "workspaces.csv: \(line)")
        }

        // The other routes name the same cells withheld: the workspace trend, compare and the dashboard.
        let page = try await get("/dashboard/campaigns/\(campaign)").body
        for (workspace, group) in workspaces where group.votes > 0 {
            let points = try await get("/api/v1/trend?workspace=\(workspace)").json["points"]?.arrayValue ?? []
            let point = points.first { $0["campaignId"]?.stringValue == campaign }
            #expect(point?["withheld"] == .bool(!group.isPublished), "trend of \(workspace)")
            let side = try await get("/api/v1/compare?a=\(campaign)&b=\(campaign)&workspace=\(workspace)").json
            #expect(side["a"]?["withheld"] == .bool(!group.isPublished), "compare of \(workspace)")
            let row = page.components(separatedBy: "<tr data-workspace=\"\(workspace)\">").dropFirst().first?
                .components(separatedBy: "</tr>").first
            #expect(row?.contains("hidden-cell") == !group.isPublished, "dashboard row of \(workspace)")
        }
        for (role, group) in roles {
            let side = try await get("/api/v1/compare?a=\(campaign)&b=\(campaign)&role=\(role)").json
            #expect(side["a"]?["withheld"] == .bool(!group.isPublished), "compare of \(role)")
        }

        // Segments by version and by edition: every row, with the workspaces that had its value
        // (an analyst may know them all), and the withheld workspaces' votes making up the rest.
        var segments: [String: AnalystView.Segment] = [:]
        let members: [String: (String) -> String] = [
            "version": { String(version(of: $0).split(separator: ".").prefix(2).joined(separator: ".")) },
            "edition": { edition(of: $0) ? "enterprise" : "community" },
        ]
        for (dimension, value) in members {
            let breakdown = try await get("/api/v1/campaigns/\(campaign)/breakdown?by=\(dimension)").json
            var rowVotes = 0
            for row in breakdown["rows"]?.arrayValue ?? [] {
                let name = row["segment"]?.stringValue ?? "?"
                let votes = Int(row["votes"]?.doubleValue ?? -1)
                rowVotes += votes
                let inside = Set(fleet.votes.map(\.workspaceID).filter { value($0) == name })
                segments["\(dimension)=\(name)"] = .init(votes: votes, members: inside)
            }
            if total.isPublished {
                let withheld = Int(breakdown["withheldWorkspaces"]?["votes"]?.doubleValue ?? -1)
                #expect(rowVotes + withheld == total.votes, "\(dimension): the rows and the pool add up")
            } else {
                #expect(breakdown["rows"]?.arrayValue?.isEmpty == true, "\(dimension): rows under a withheld total")
            }
        }

        // Published figures add up: the summary's distribution is the listed scores; the shown
        // workspaces and the records without a workspace make up the summary's categories.
        if total.isPublished {
            var histogram = Array(repeating: 0, count: 11)
            var pooled = [0, 0, 0]
            let scores = Dictionary(uniqueKeysWithValues: fleet.votes.map { ($0.number, $0.score) })
            for record in records {
                let score = scores[record.voteNumber] ?? 0
                histogram[score] += 1
                if record.workspaceID == nil { pooled[score >= 9 ? 0 : score >= 7 ? 1 : 2] += 1 }
            }
            #expect(summary["distribution"]?.arrayValue?.map { Int($0.doubleValue ?? -1) } == histogram)
            let categories = ["promoters", "passives", "detractors"].map { Int(summary[$0]?.doubleValue ?? -1) }
            #expect(zip(shownCategories, pooled).map(+) == categories)
        } else {
            #expect(summary["distribution"] == .null && records.isEmpty)
        }
        return AnalystView(
            total: total, workspaces: workspaces, roles: roles, records: records, segments: segments)
    }

    @Test("a projector batch landing between two reads of one answer cannot reach it")
    func snapshotRace() async throws {
        try await Collector.with(workspaces: ["a", "b", "c", "d"]) { collector in
            let database = collector.database
            try await collector.campaign("c1")
            for workspace in ["a", "b"] {
                let items = (1...6).map { Votes.item($0, score: 9) }
                try await collector.expectUpload("c1", workspace, accepted: 6, items, total: 6)
            }
            try await ProjectionCatchUp.untilCurrent(database)
            let campaign = try #require(
                try await PrivacyLayer(
                    source: database.app, threshold: PrivacyThreshold(), policy: .live, logger: database.logger
                ).campaign("c1")
            ).campaign

            /// Reads the disclosure, lets `workspace`'s lone vote be projected, then lists the votes.
            func readAcrossABatch(
                _ source: any ReadModelSource, lone workspace: String
            ) async throws -> (
                Disclosure, [ListedVote]
            ) {
                let layer = PrivacyLayer(
                    source: source, threshold: PrivacyThreshold(), policy: .live, logger: database.logger)
                let disclosure = try await layer.disclosure(of: campaign)
                try await collector.expectUpload("c1", workspace, accepted: 1, [Votes.item(1, score: 0)], total: 1)
                try await ProjectionCatchUp.untilCurrent(database)
                var votes: [ListedVote] = []
                try await layer.votes(of: "c1", VoteListRequest(), disclosure: disclosure) { vote, _ in
                    votes.append(vote)
                }
                return (disclosure, votes)
            }

            // In one snapshot the batch is invisible: 12 votes decided on, 12 listed, each with its workspace.
            let (disclosure, votes) = try await ReadSnapshot.run(on: database.app, logger: database.logger) {
                try await readAcrossABatch($0, lone: "c")
            }
            #expect(disclosure.totalVotes == 12 && disclosure.withheldWorkspaces.isEmpty)
            #expect(votes.count == 12 && votes.allSatisfy { $0.workspaceID != nil })

            // Statement by statement (the pool), the decision never saw d's lone vote. The list reads
            // the withheld and the published workspaces by name, so it leaves d out rather than list
            // 14 against a total of 13 (the list minus the summary would be d's 0): a workspace the
            // decision did not count is never listed.
            let (unsafeDisclosure, unsafeVotes) = try await readAcrossABatch(database.app, lone: "d")
            #expect(unsafeDisclosure.totalVotes == 13 && unsafeVotes.count == 13)
            // c withheld with a (6, the smallest shown): 7 records without a workspace, b's 6 with theirs.
            #expect(unsafeVotes.filter { $0.workspaceID == nil }.count == 7)

            // And through the API, which reads in a snapshot: 14 votes, c and d withheld together
            // (2 votes) with a (6, the smallest shown): 8 records without a workspace.
            let answer = try await collector.request(.get, "/api/v1/campaigns/c1/votes", token: collector.adminToken)
            let rows = answer.json["rows"]?.arrayValue ?? []
            #expect(rows.count == 14 && rows.filter { $0["workspaceId"] == .null }.count == 8)
        }
    }

    /// Issue 16's campaign, k = 5: A 1 vote (0), B 1 vote (10), D 20 votes (19 users, and a 2 from its
    /// only admin), E 6 votes, all admins.
    @Test("issue 16 by hand: A and B pooled with E, D shown without roles, admin a total only")
    func issueScenario() async throws {
        try await Collector.with(workspaces: ["A", "B", "D", "E"]) { collector in
            try await collector.campaign("c1")
            try await collector.expectUpload("c1", "A", accepted: 1, [Votes.item(1, score: 0, comment: "a")], total: 1)
            try await collector.expectUpload("c1", "B", accepted: 1, [Votes.item(2, score: 10)], total: 1)
            let users = [10, 9, 9, 8, 8, 7, 7, 7, 6, 5, 10, 9, 9, 9, 8, 3, 9, 10, 10]
            try await collector.expectUpload(
                "c1", "D", accepted: 20,
                users.enumerated().map { Votes.item(100 + $0.offset, score: $0.element) }
                    + [Votes.item(3, score: 2, roles: ["admin"], comment: "the admin of D")], total: 20)
            let admins = [9, 8, 7, 10, 6, 4]
            try await collector.expectUpload(
                "c1", "E", accepted: 6,
                admins.enumerated().map { Votes.item(200 + $0.offset, score: $0.element, roles: ["admin"]) },
                total: 6)
            try await ProjectionCatchUp.untilCurrent(collector.database)
            func get(_ uri: String) async throws -> JSONValue {
                try await collector.request(.get, uri, token: collector.adminToken).json
            }

            let summary = try await get("/api/v1/campaigns/c1/summary")
            #expect(summary["votes"] == 28 && summary["withheld"] == false)
            // Scores 0..10: A's 0, D's admin's 2, D's 3, E's 4, D's 5, D's and E's 6, ...
            #expect(summary["distribution"] == [1, 0, 1, 1, 1, 1, 2, 4, 4, 7, 6])

            // Workspaces: A and B (2 votes together) take E (6, the smallest shown) with them.
            let rows = try await get("/api/v1/campaigns/c1/workspaces?sort=votes")["rows"]?.arrayValue ?? []
            #expect(rows.map { $0["workspaceId"] } == ["D", "E", "A", "B"])
            #expect(rows.map { $0["withheld"] } == [false, true, true, true])
            #expect(rows.map { $0["belowThreshold"] } == [false, false, true, true])
            #expect(rows[0]["promoters"] == 10 && rows[0]["detractors"] == 4 && rows[1]["nps"] == nil)

            // Roles: admin 7 (D's 1 and E's 6), user 21; both published as totals.
            let roles = try await get("/api/v1/campaigns/c1/breakdown?by=role")["rows"]?.arrayValue ?? []
            #expect(roles.map { $0["role"] } == ["admin", "user"] && roles.map { $0["votes"] } == [7, 21])
            #expect(roles.allSatisfy { $0["withheld"] == false })
            #expect(roles[0]["promoters"] == 2 && roles[0]["detractors"] == 3)

            // Votes: all 28 listed. D's 20 name D and no role (an admin role would be D's one admin,
            // a user role would leave that admin alone without it); the 8 of A, B and E name nothing.
            let votes = try await get("/api/v1/campaigns/c1/votes?limit=100")["rows"]?.arrayValue ?? []
            #expect(votes.count == 28)
            #expect(votes.filter { $0["workspaceId"] == "D" }.count == 20)
            let pool = votes.filter { $0["workspaceId"] == .null }
            #expect(pool.count == 8 && pool.allSatisfy { $0["time"] == .null })
            #expect(votes.allSatisfy { $0["roles"] == [] })
            // Summary minus the votes with a workspace: A, B and E's 8 scores, not A and B's two.
            #expect(pool.compactMap { $0["score"]?.doubleValue }.sorted() == [0, 4, 6, 7, 8, 9, 10, 10])
            // The pool comes first, by identifier, not grouped by workspace.
            #expect(
                pool.map { $0["identifier"]?.stringValue ?? "" }
                    == pool.map { $0["identifier"]?.stringValue ?? "" }.sorted())
            #expect(try await get("/api/v1/campaigns/c1/votes?role=admin")["rows"] == [])
            let adminComment = votes.first { $0["comment"] == "the admin of D" }
            #expect(adminComment?["workspaceId"] == "D" && adminComment?["roles"] == [])

            let export = try await collector.request(
                .get, "/api/v1/campaigns/c1/votes.csv", token: collector.adminToken)
            #expect(export.body.split(separator: "\r\n").count == 29 && !export.body.contains("admin,"))
            #expect(!export.body.contains(",A,") && !export.body.contains(",E,"))

            let compareE = try await get("/api/v1/compare?a=c1&b=c1&workspace=E")
            #expect(compareE["a"]?["withheld"] == true && compareE["difference"] == .null)
            let compareAdmin = try await get("/api/v1/compare?a=c1&b=c1&role=admin")
            #expect(compareAdmin["a"]?["withheld"] == false)
            let trendE = try await get("/api/v1/trend?workspace=E")
            #expect(trendE["points"]?[0]?["withheld"] == true && trendE["points"]?[0]?["nps"] == nil)
        }
    }
}
