import ArgumentParser
import NPSDomain

/// `nps-collector bench privacy`: the privacy rule (`Disclosure`) of one
/// campaign decided in memory, without the database, for a fleet of voter
/// groups shaped like `bench query`'s: what every first answer that governs
/// cells (breakdown, workspace and vote pages, exports) pays before its figures.
struct BenchPrivacy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy",
        abstract: "Decide the privacy rule of one campaign of many workspaces in memory; print how long it takes."
    )

    @Option(help: "Workspaces with votes.")
    var workspaces = 100_000

    @Option(help: "Times the rule is decided; the fastest run is printed.")
    var runs = 5

    func validate() throws {
        try BenchOption.check(workspaces, "workspaces", 1...10_000_000)
        try BenchOption.check(runs, "runs", 1...1_000)
    }

    func run() async throws {
        // Most workspaces: users and a few admins; every third one also a lone moderator;
        // every tenth one below k, so that workspaces are withheld and rule 6 has work.
        // One set each, shared by its groups, as VoterGroupQuery reads them.
        let users: Set<String> = ["user"]
        let admins: Set<String> = ["admin", "user"]
        let moderators: Set<String> = ["moderator"]
        var groups: [VoterGroup] = []
        for index in 0..<workspaces {
            let workspace = "ws-\(index)"
            if index % 10 == 9 {
                groups.append(VoterGroup(workspaceID: workspace, roles: users, votes: 1 + index % 4))
                continue
            }
            groups.append(VoterGroup(workspaceID: workspace, roles: users, votes: 20 + index % 40))
            groups.append(VoterGroup(workspaceID: workspace, roles: admins, votes: 1 + index % 6))
            if index % 3 == 0 { groups.append(VoterGroup(workspaceID: workspace, roles: moderators, votes: 1)) }
        }
        var fastest = Duration.seconds(3_600)
        var disclosure: Disclosure?
        for _ in 0..<runs {
            let started = ContinuousClock.now
            disclosure = Disclosure(groups: groups, threshold: PrivacyThreshold())
            fastest = min(fastest, ContinuousClock.now - started)
        }
        guard let disclosure else { return }
        print(
            """
            privacy rule over \(groups.count) voter groups of \(workspaces) workspaces: \
            \(BenchFigures.format(fastest.seconds * 1000)) ms (fastest of \(runs)); \
            \(disclosure.withheldWorkspaces.count) workspaces and \(disclosure.withheldRoles.count) roles withheld
            """)
    }
}
