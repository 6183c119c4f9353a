import Crypto
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NPSDomain

/// Plays a `SimulationPlan` against a collector over HTTP: phase by phase,
/// the clock moved first, the workspaces' requests sent on `connections`
/// keep-alive connections. Real workspaces ignore the answers; the run
/// counts every one that is not what a healthy collector answers.
public struct SimulationRun: Sendable {
    public let plan: SimulationPlan
    public let target: CollectorTarget
    public let connections: Int

    public init(plan: SimulationPlan, target: CollectorTarget, connections: Int = 8) {
        self.plan = plan
        self.target = target
        self.connections = max(1, connections)
    }

    /// What was sent and what came back.
    public struct Report: Sendable {
        public var truth: [CampaignTruth]
        public var digest: String
        public var requests = 0
        public var uploads = 0
        public var votesSent = 0
        public var accepted = 0
        public var repeats = 0
        public var quarantined = 0
        /// Answers other than the expected status, the first ten described.
        public var unexpected = 0
        public var firstUnexpected: [String] = []
        /// How long each results upload took, in the order they finished.
        public var uploadLatencies: [Duration] = []
        /// How long each phase took to send.
        public var phaseTimings: [PhaseTiming] = []
        public var elapsed: Duration = .zero
        /// When the last results upload was answered.
        public var lastUpload: ContinuousClock.Instant?
    }

    /// Writes every request in plan order without a collector (`simulate --dry-run --record`).
    public static func record(_ plan: SimulationPlan, into write: ([UInt8]) throws -> Void) rethrows -> Report {
        var digest = TrafficDigest()
        var truth = plan.emptyTruth
        var report = Report(truth: [], digest: "")
        for phase in plan.phases {
            let cloud = plan.cloudRequests(phase)
            for request in cloud { try write(request.recorded) }
            var digests: [[UInt8]] = []
            for index in plan.fleet.indices {
                let traffic = plan.traffic(phase, workspace: index)
                for request in traffic.requests { try write(request.recorded) }
                report.count(traffic.requests)
                if let part = traffic.truth, let campaign = phase.campaign { truth[campaign].add(part) }
                digests.append(TrafficDigest.digest(of: traffic.requests))
            }
            report.requests += cloud.count
            digest.add(cloud: cloud, workspaces: digests)
        }
        report.truth = truth
        report.digest = digest.finalize()
        return report
    }

    public func run(progress: @Sendable (Phase) -> Void = { _ in }) async throws -> Report {
        let started = ContinuousClock.now
        let state = NIOLockedValueBox(Shared(plan: plan))
        var digest = TrafficDigest()
        for phase in plan.phases {
            progress(phase)
            let cloud = plan.cloudRequests(phase)
            try await HTTPConnection.withConnection(host: target.host, port: target.port) { send in
                for request in cloud {
                    let answer = try await target.send(request, token: target.adminToken, through: send)
                    guard Int(answer.status.code) == request.expectedStatus else {
                        throw SimulationError.collector(
                            "\(request.method) \(request.path) answered \(answer.status.code): \(Self.text(answer.body))"
                        )
                    }
                }
            }
            let phaseStarted = ContinuousClock.now
            let before = state.withLockedValue { shared in
                shared.report.requests += cloud.count
                return shared.report
            }
            let digests = try await sendWorkspaces(phase, state: state)
            state.withLockedValue { shared in
                shared.report.phaseTimings.append(
                    PhaseTiming(
                        phase: phase, votes: shared.report.votesSent - before.votesSent,
                        uploads: shared.report.uploads - before.uploads,
                        workspaceRequests: shared.report.requests - before.requests,
                        duration: ContinuousClock.now - phaseStarted))
            }
            digest.add(cloud: cloud, workspaces: digests)
        }
        var report = state.withLockedValue { shared in
            var report = shared.report
            report.truth = shared.truth
            return report
        }
        report.digest = digest.finalize()
        report.elapsed = ContinuousClock.now - started
        return report
    }

    struct Shared {
        var report = Report(truth: [], digest: "")
        var truth: [CampaignTruth]
        var tokens: [String]
        var next = 0

        init(plan: SimulationPlan) {
            truth = plan.emptyTruth
            tokens = Array(repeating: "", count: plan.fleet.count)
        }
    }

    private func sendWorkspaces(_ phase: Phase, state: NIOLockedValueBox<Shared>) async throws -> [[UInt8]] {
        let digests = NIOLockedValueBox([[UInt8]?](repeating: nil, count: plan.fleet.count))
        state.withLockedValue { $0.next = 0 }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<min(connections, max(1, plan.fleet.count)) {
                group.addTask {
                    try await HTTPConnection.withConnection(host: target.host, port: target.port) { send in
                        while let index = state.withLockedValue({ shared -> Int? in
                            guard shared.next < plan.fleet.count else { return nil }
                            defer { shared.next += 1 }
                            return shared.next
                        }) {
                            let traffic = plan.traffic(phase, workspace: index)
                            try await sendTraffic(traffic, phase: phase, state: state, send: send)
                            let digest = TrafficDigest.digest(of: traffic.requests)
                            digests.withLockedValue { $0[index] = digest }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        return digests.withLockedValue { $0.compactMap { $0 } }
    }

    private func sendTraffic(
        _ traffic: SimulationPlan.WorkspaceTraffic, phase: Phase, state: NIOLockedValueBox<Shared>,
        send: (HTTPMethod, String, HTTPHeaders, ByteBuffer?) async throws -> HTTPConnection.Answer
    ) async throws {
        for request in traffic.requests {
            let token: String
            switch request.credential {
            case .admin: token = target.adminToken
            case .workspace(let index): token = state.withLockedValue { $0.tokens[index] }
            }
            let sent = ContinuousClock.now
            let answer = try await target.send(request, token: token, through: send)
            let took = ContinuousClock.now - sent
            let status = Int(answer.status.code)
            // Only a registration's token and an upload's counts are read from an answer.
            let body: JSONValue? =
                switch request.purpose {
                case .register, .upload: try? JSONValue.parse(Array(answer.body.readableBytesView))
                default: nil
                }
            state.withLockedValue { shared in
                shared.report.count([request])
                if status != request.expectedStatus {
                    shared.report.unexpected += 1
                    if shared.report.firstUnexpected.count < 10 {
                        shared.report.firstUnexpected.append(
                            "\(phase.name): \(request.method) \(request.path) answered \(status): \(Self.text(answer.body))"
                        )
                    }
                    return
                }
                switch request.purpose {
                case .register(let index):
                    shared.tokens[index] = body?["token"]?.stringValue ?? ""
                case .upload:
                    shared.report.uploadLatencies.append(took)
                    shared.report.lastUpload = ContinuousClock.now
                    shared.report.accepted += Int(body?["accepted"]?.doubleValue ?? 0)
                    shared.report.repeats += Int(body?["repeats"]?.doubleValue ?? 0)
                    shared.report.quarantined += body?["quarantined"]?.arrayValue?.count ?? 0
                default:
                    break
                }
            }
        }
        if let part = traffic.truth, let campaign = phase.campaign {
            state.withLockedValue { $0.truth[campaign].add(part) }
        }
    }

    static func text(_ body: ByteBuffer) -> String {
        String(decoding: body.readableBytesView.prefix(300), as: UTF8.self)
    }
}

/// One phase of a run: what it sent and how long it took.
public struct PhaseTiming: Sendable {
    public var phase: Phase
    public var votes: Int
    /// Results uploads among `workspaceRequests`.
    public var uploads: Int
    /// What the workspaces sent (the cloud's admin requests before the phase not counted).
    public var workspaceRequests: Int
    public var duration: Duration
}

extension SimulationRun.Report {
    mutating func count(_ requests: [SimulatedRequest]) {
        self.requests += requests.count
        for request in requests {
            if case .upload(let votes) = request.purpose {
                uploads += 1
                votesSent += votes
            }
        }
    }
}

extension SimulationPlan {
    var emptyTruth: [CampaignTruth] {
        (0..<settings.campaigns).map { CampaignTruth(campaignID: settings.campaignID($0)) }
    }
}
