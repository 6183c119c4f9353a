import NPSDomain
import Simulation

/// `bench e2e`'s request rates by kind, each over the phases that carry only
/// that kind of traffic, and their ratios to `pgbench -N` on the same cluster.
struct RequestRates {
    /// Results uploads per second over the upload phases (the cron run after expiry), and their votes.
    var uploadsPerSecond: Double
    var votesPerSecond: Double
    /// Workspace requests per second over the phases of syncs, survey fetches and statistics
    /// (notify, the two opt-outs, show); registration through the admin API is left out.
    var smallRequestsPerSecond: Double

    static let uploadGoal = 0.3
    static let smallRequestGoal = 0.5

    init(_ phases: [PhaseTiming]) {
        let uploads = phases.filter { $0.phase.step == .upload }
        let uploadSeconds = max(uploads.reduce(0) { $0 + $1.duration.seconds }, 0.001)
        uploadsPerSecond = Double(uploads.reduce(0) { $0 + $1.uploads }) / uploadSeconds
        votesPerSecond = Double(uploads.reduce(0) { $0 + $1.votes }) / uploadSeconds
        let small = phases.filter { [.notify, .optOutBeforeStart, .show, .optOutDuring].contains($0.phase.step) }
        smallRequestsPerSecond =
            Double(small.reduce(0) { $0 + $1.workspaceRequests })
            / max(small.reduce(0) { $0 + $1.duration.seconds }, 0.001)
    }

    var text: String {
        "upload phases: \(Int(uploadsPerSecond)) uploads/s (\(Int(votesPerSecond)) votes/s); "
            + "sync, survey and statistics phases: \(Int(smallRequestsPerSecond)) requests/s"
    }

    func ratios(toSimpleUpdate tps: Double, clients: Int, seconds: Int) -> String {
        let uploads = uploadsPerSecond / tps
        let small = smallRequestsPerSecond / tps
        return """
            anchor: pgbench -N -c \(clients) -j 2 -T \(seconds) on the same cluster, after the fleet: \(Int(tps)) TPS
              results uploads: \(Int(uploadsPerSecond))/s = \(BenchFigures.format(uploads)) × pgbench -N \
            (goal ≥ \(Self.uploadGoal): \(uploads >= Self.uploadGoal ? "met" : "not met"))
              small requests:  \(Int(smallRequestsPerSecond))/s = \(BenchFigures.format(small)) × pgbench -N \
            (goal ≥ \(Self.smallRequestGoal): \(small >= Self.smallRequestGoal ? "met" : "not met"))
            """
    }
}
