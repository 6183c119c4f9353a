import Foundation

extension SimulationRun.Report {
    /// The ground truth and what was sent, as `simulate` prints it.
    public var text: String {
        var lines = [
            "traffic: \(requests) requests, \(uploads) results uploads, \(votesSent) votes sent; digest \(digest)"
        ]
        if accepted + repeats + quarantined > 0 {
            lines.append(
                "collector answered: \(accepted) votes accepted, \(repeats) repeats, \(quarantined) quarantined; \(unexpected) unexpected answers"
            )
        }
        lines += firstUnexpected.map { "  unexpected: \($0)" }
        lines.append("ground truth (what the collector should hold):")
        for truth in truth {
            let nps = truth.votes > 0 ? (Double(truth.promoters - truth.detractors) / Double(truth.votes) * 100) : .nan
            lines.append(
                """
                  \(truth.campaignID): \(truth.votes) votes (\(truth.promoters) promoters, \(truth.passives) passives, \
                \(truth.detractors) detractors, NPS \(String(format: "%.2f", nps))); distribution \(truth.distribution)
                    workspaces: \(truth.notified) notified, \(truth.shown) shown, \(truth.voted) voted, \(truth.optedOut) opted out; \
                delivery completeness \(truth.deliveryCompleteness.map { String(format: "%.4f", $0) } ?? "none")
                    on the way: \(truth.heldVotes) votes held by workspaces sending results, \(truth.uploads) uploads, \
                \(truth.lostBatches) batches lost, \(truth.repeatedBatches) sent twice, \(truth.changedVotes) votes changed
                """)
        }
        return lines.joined(separator: "\n")
    }
}
