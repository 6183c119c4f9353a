import Foundation

/// Every request of a simulation, derived from the settings alone: the same
/// settings give the same requests, whatever order they are sent in.
public struct SimulationPlan: Sendable {
    public let settings: SimulationSettings
    public let fleet: [SimulatedWorkspace]
    public let phases: [Phase]

    public init(_ settings: SimulationSettings) {
        self.settings = settings
        fleet = SimulatedWorkspace.fleet(settings)
        phases = Phase.all(settings)
    }

    /// What one workspace sends in one phase, and what it adds to its
    /// campaign's ground truth.
    public struct WorkspaceTraffic: Sendable {
        public var requests: [SimulatedRequest] = []
        public var truth: CampaignTruth?
    }

    /// The requests of the phase that are the cloud's, not a workspace's:
    /// the clock move, and the announcement.
    public func cloudRequests(_ phase: Phase) -> [SimulatedRequest] {
        var requests = [
            SimulatedRequest(
                method: "POST", path: "/api/v1/clock", contentType: WireBodies.json, body: WireBodies.clock(phase.at),
                credential: .admin, purpose: .moveClock, expectedStatus: 200)
        ]
        if phase.step == .announce, let campaign = phase.campaign {
            requests.append(
                SimulatedRequest(
                    method: "POST", path: "/api/v1/campaigns", contentType: WireBodies.json,
                    body: WireBodies.announcement(
                        id: settings.campaignID(campaign), startAt: settings.startAt(campaign),
                        expireAt: settings.expireAt(campaign)),
                    credential: .admin, purpose: .announce, expectedStatus: 201))
        }
        return requests
    }

    public func traffic(_ phase: Phase, workspace index: Int) -> WorkspaceTraffic {
        let workspace = fleet[index]
        var traffic = WorkspaceTraffic()
        func send(_ method: String, _ path: String, _ body: [UInt8], _ purpose: SimulatedRequest.Purpose) {
            traffic.requests.append(
                SimulatedRequest(
                    method: method, path: path, contentType: body.isEmpty ? nil : WireBodies.json, body: body,
                    credential: .workspace(index), purpose: purpose, expectedStatus: 200))
        }
        func statistics(_ enabled: Bool) {
            send("POST", "/", WireBodies.statistics(workspace, npsEnabled: enabled, at: phase.at), .statistics)
        }
        func sync(_ enabled: Bool) {
            let path =
                workspace.release.syncsThroughComms
                ? "/api/v3/comms/workspace" : "/api/v2/workspaces/\(workspace.id)/client"
            send("POST", path, WireBodies.sync(workspace, npsEnabled: enabled), .sync)
        }

        guard let campaign = phase.campaign else {
            traffic.requests.append(
                SimulatedRequest(
                    method: "POST", path: "/api/v1/workspaces", contentType: WireBodies.json,
                    body: WireBodies.registration(workspace), credential: .admin,
                    purpose: .register(workspace: index), expectedStatus: 201))
            statistics(true)
            return traffic
        }
        let setting = workspace.settings[campaign]
        let campaignID = settings.campaignID(campaign)
        switch phase.step {
        case .register, .announce:
            break
        case .notify:
            statistics(setting.enabledAtAnnouncement)
            sync(setting.enabledAtAnnouncement)
            var truth = CampaignTruth(campaignID: campaignID)
            truth.notified = setting.enabledAtAnnouncement ? 1 : 0
            truth.shown = setting.showsSurvey ? 1 : 0
            truth.optedOut = setting.enabledAtAnnouncement && !setting.sendsResults ? 1 : 0
            traffic.truth = truth
        case .optOutBeforeStart where setting.enabledAtAnnouncement && setting.optsOutBeforeStart:
            sync(false)
            statistics(false)
        case .show where setting.showsSurvey:
            send("GET", "/v1/surveys/\(campaignID)", [], .surveyFetch)
        case .optOutDuring where setting.showsSurvey && setting.optsOutDuring:
            sync(false)
            // 3.x's sync carries no setting: its next statistics report does.
            statistics(false)
        case .upload where setting.sendsResults:
            let votes = CampaignVotes(workspace: workspace, campaign: campaign, settings: settings)
            for batch in votes.batches where !batch.lost {
                let request = upload(votes.votes[batch.range], total: votes.votes.count, workspace, campaign, phase)
                traffic.requests.append(request)
                if batch.sentTwice { traffic.requests.append(request) }
            }
            traffic.truth = truth(of: votes, workspace: workspace, campaignID: campaignID)
        case .resend where setting.sendsResults:
            let votes = CampaignVotes(workspace: workspace, campaign: campaign, settings: settings)
            let changed = votes.changed.map(\.1)
            for first in stride(from: 0, to: changed.count, by: SimulationSettings.batchSize) {
                let batch = changed[first..<min(changed.count, first + SimulationSettings.batchSize)]
                traffic.requests.append(upload(batch, total: votes.votes.count, workspace, campaign, phase))
            }
            statistics(true)
        case .optOutBeforeStart, .show, .optOutDuring, .upload, .resend:
            break
        }
        return traffic
    }

    private func upload(
        _ votes: ArraySlice<CampaignVotes.Vote>, total: Int, _ workspace: SimulatedWorkspace, _ campaign: Int,
        _ phase: Phase
    ) -> SimulatedRequest {
        let campaignID = settings.campaignID(campaign)
        let (contentType, body) = WireBodies.results(
            votes, total: total, campaignID: campaignID, shape: workspace.release.shape, sentAt: phase.at)
        return SimulatedRequest(
            method: "POST", path: "/v1/surveys/\(campaignID)/results", contentType: contentType, body: body,
            credential: .workspace(workspace.index), purpose: .upload(votes: votes.count), expectedStatus: 200)
    }

    private func truth(
        of votes: CampaignVotes, workspace: SimulatedWorkspace, campaignID: String
    ) -> CampaignTruth {
        var truth = CampaignTruth(campaignID: campaignID)
        let delivered = votes.delivered
        for vote in delivered { truth.distribution[vote.score] += 1 }
        if !delivered.isEmpty {
            let scores = delivered.map(\.score)
            truth.workspaces = [
                CampaignTruth.WorkspaceVotes(
                    workspaceID: workspace.id, segments: workspace.segments,
                    promoters: scores.filter { $0 >= 9 }.count, passives: scores.filter { (7...8).contains($0) }.count,
                    detractors: scores.filter { $0 <= 6 }.count)
            ]
        }
        truth.voted = delivered.isEmpty ? 0 : 1
        let uploadsSent = votes.batches.filter { !$0.lost }.count + (votes.changed.isEmpty ? 0 : 1)
        if uploadsSent > 0 {
            truth.reportedTotal = votes.votes.count
            truth.reportedVoters = delivered.count
        }
        truth.heldVotes = votes.votes.count
        truth.uploads =
            votes.batches.filter { !$0.lost }.count + votes.batches.filter(\.sentTwice).count
            + (votes.changed.count + SimulationSettings.batchSize - 1) / SimulationSettings.batchSize
        truth.lostBatches = votes.batches.filter(\.lost).count
        truth.repeatedBatches = votes.batches.filter(\.sentTwice).count
        truth.changedVotes = votes.changed.count
        return truth
    }
}
