import Foundation
import Projections
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A replay's progress on standard error: a bar redrawn in place on a
/// terminal (events done of total, rate, time left, phase); on anything else
/// (a log file, a pipe) a plain line at each change of phase and at most
/// every five seconds in between.
final class ReplayProgressDisplay: Sendable {
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let last = Mutex<(phase: ReplayProgress.Phase?, readModel: String, shownAt: ContinuousClock.Instant?)>(
        (nil, "", nil))

    static func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    func show(_ progress: ReplayProgress) {
        let now = ContinuousClock.now
        let line: String? = last.withLock { last in
            let changed = last.phase != progress.phase || last.readModel != progress.readModel
            let interval: Duration = isTerminal ? .milliseconds(100) : .seconds(5)
            guard changed || last.shownAt.map({ now - $0 >= interval }) ?? true else { return nil }
            last = (progress.phase, progress.readModel, now)
            return isTerminal ? bar(progress) : plain(progress)
        }
        guard let line else { return }
        if isTerminal {
            // Back to the start of the line, clear it, draw; a new line when a read model is done.
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)\(progress.phase == .done ? "\n" : "")".utf8))
        } else {
            Self.note(line)
        }
    }

    private func bar(_ progress: ReplayProgress) -> String {
        let width = 30
        let fraction = progress.total > 0 ? min(1, Double(progress.events) / Double(progress.total)) : 1
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        return "\(progress.readModel) [\(bar)] \(Int(fraction * 100))% \(counts(progress)) \(progress.phase.rawValue)"
    }

    private func plain(_ progress: ReplayProgress) -> String {
        "replay \(progress.readModel): \(progress.phase.rawValue), \(counts(progress))"
    }

    private func counts(_ progress: ReplayProgress) -> String {
        let left = progress.secondsLeft.map { "ETA \(Int($0.rounded())) s" } ?? "ETA -"
        return "\(progress.events)/\(progress.total) events, \(Int(progress.eventsPerSecond)) events/s, \(left)"
    }
}
