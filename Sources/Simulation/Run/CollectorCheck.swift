import Foundation
import NPSDomain

/// `--check`: the collector's answers against the simulation's ground truth,
/// once the projectors have applied everything.
public struct CollectorCheck: Sendable {
    public let target: CollectorTarget

    public init(target: CollectorTarget) {
        self.target = target
    }

    /// Waits until no projection is behind (none halted), at most `timeout`.
    public func waitForProjections(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (status, body) = try await target.get("/api/v1/projections")
            guard status == 200, let projections = body?.arrayValue else {
                throw SimulationError.collector("GET /api/v1/projections answered \(status)")
            }
            if let halted = projections.first(where: { $0["state"]?.stringValue == "halted" }) {
                throw SimulationError.collector("projection \(halted["name"]?.stringValue ?? "?") is halted")
            }
            if projections.allSatisfy({ $0["lag"]?["events"]?.doubleValue == 0 }) { return }
            guard ContinuousClock.now < deadline else {
                throw SimulationError.collector("the projections did not catch up within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Every difference between the collector's summary of each campaign and
    /// the truth; empty when they agree.
    public func differences(_ truths: [CampaignTruth]) async throws -> [String] {
        var differences: [String] = []
        for truth in truths {
            let (status, body) = try await target.get("/api/v1/campaigns/\(truth.campaignID)/summary")
            guard status == 200, let summary = body else {
                differences.append("\(truth.campaignID): summary answered \(status)")
                continue
            }
            func compare(_ name: String, _ answered: JSONValue?, _ expected: Int) {
                let value = answered?.doubleValue.map { Int($0) }
                if value != expected {
                    differences.append(
                        "\(truth.campaignID) \(name): collector \(value.map(String.init) ?? "none"), sent \(expected)")
                }
            }
            compare("votes", summary["votes"], truth.votes)
            compare("promoters", summary["promoters"], truth.promoters)
            compare("passives", summary["passives"], truth.passives)
            compare("detractors", summary["detractors"], truth.detractors)
            let distribution = summary["distribution"]?.arrayValue ?? []
            for score in 0...10 {
                compare(
                    "score \(score)", score < distribution.count ? distribution[score] : nil, truth.distribution[score])
            }
            let funnel = summary["workspaces"]
            compare("workspaces notified", funnel?["notified"], truth.notified)
            compare("workspaces shown", funnel?["shown"], truth.shown)
            compare("workspaces voted", funnel?["voted"], truth.voted)
            compare("workspaces opted out", funnel?["optedOut"], truth.optedOut)
            let completeness = summary["deliveryCompleteness"]?.doubleValue
            if let expected = truth.deliveryCompleteness, abs((completeness ?? -1) - expected) > 1e-9 {
                differences.append(
                    "\(truth.campaignID) delivery completeness: collector \(completeness.map { "\($0)" } ?? "none"), sent \(expected)"
                )
            }
        }
        return differences
    }

    /// The segment dimensions `segmentDifferences` compares.
    public static let segmentDimensions = ["version", "edition", "size", "industry", "country"]

    /// Every difference between the collector's breakdown by each segment
    /// dimension and the truth: the published workspaces of each value
    /// (decided from the truth's own counts by `WorkspaceDisclosure`, with
    /// the collector's k) and the votes of the withheld ones. Empty when they
    /// agree, or when a campaign's total is withheld (nothing to compare but counts).
    public func segmentDifferences(_ truths: [CampaignTruth]) async throws -> [String] {
        var differences: [String] = []
        for truth in truths {
            for dimension in Self.segmentDimensions {
                differences += try await segmentDifferences(truth, by: dimension)
            }
        }
        return differences
    }

    private func segmentDifferences(_ truth: CampaignTruth, by dimension: String) async throws -> [String] {
        let campaign = truth.campaignID
        let (status, body) = try await target.get("/api/v1/campaigns/\(campaign)/breakdown?by=\(dimension)")
        guard status == 200, let breakdown = body, let k = breakdown["privacyThreshold"]?.doubleValue else {
            return ["\(campaign): breakdown by \(dimension) answered \(status)"]
        }
        guard breakdown["total"]?["withheld"] == .bool(false) else { return [] }
        let threshold = PrivacyThreshold(k: Int(k))
        let voting = truth.workspaces.filter { $0.votes > 0 }
        let below = voting.filter { $0.votes < threshold.k }
        let smallest = voting.filter { $0.votes >= threshold.k }.min { left, right in
            left.votes != right.votes
                ? left.votes < right.votes : left.workspaceID.utf8.lexicographicallyPrecedes(right.workspaceID.utf8)
        }
        let disclosure = WorkspaceDisclosure(
            threshold: threshold, isTotalPublished: true,
            belowThreshold: (below.count, below.reduce(0) { $0 + $1.votes }),
            smallestAtThreshold: smallest.map { ($0.workspaceID, $0.votes) })
        var expected: [String: [Int]] = [:]
        for workspace in voting where disclosure.isPublished(workspace.workspaceID, votes: workspace.votes) {
            let value = workspace.segments[dimension] ?? "unknown"
            let figures = [1, workspace.votes, workspace.promoters, workspace.detractors]
            expected[value] = zip(expected[value] ?? [0, 0, 0, 0], figures).map(+)
        }
        var answered: [String: [Int]] = [:]
        for row in breakdown["rows"]?.arrayValue ?? [] {
            answered[row["segment"]?.stringValue ?? "unknown"] = ["workspaces", "votes", "promoters", "detractors"]
                .map { Int(row[$0]?.doubleValue ?? -1) }
        }
        var differences: [String] = []
        for value in Set(expected.keys).union(answered.keys).sorted() where expected[value] != answered[value] {
            differences.append(
                "\(campaign) \(dimension) \(value) (workspaces, votes, promoters, detractors): collector \(answered[value] ?? []), sent \(expected[value] ?? [])"
            )
        }
        let withheld = Int(breakdown["withheldWorkspaces"]?["votes"]?.doubleValue ?? -1)
        if withheld != disclosure.pool {
            differences.append(
                "\(campaign) \(dimension): withheld workspaces' votes: collector \(withheld), sent \(disclosure.pool)")
        }
        return differences
    }
}
