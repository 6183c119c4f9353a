import Foundation
import Hummingbird
import NPSDomain

/// `GET|POST /api/v1/clock` (admin): the collector's clock, which a
/// simulator moves forward when the collector runs with
/// `NPS_SIMULATED_CLOCK=on`. On the system clock a move is refused (409).
struct ClockController {
    let clock: any CollectorClock

    struct ClockAnswer: Encodable {
        var now: Date
        var simulated: Bool
    }

    struct MoveRequest: Decodable {
        var now: Date
    }

    func register(on group: RouterGroup<CollectorRequestContext>) {
        group.get("clock") { _, _ in
            try jsonResponse(ClockAnswer(now: clock.now, simulated: clock.simulated != nil))
        }
        group.post("clock") { request, _ in
            var request = request
            let body = try await request.decoded(MoveRequest.self)
            guard let simulated = clock.simulated else {
                throw APIError.conflict("the collector runs on the system clock; start it with NPS_SIMULATED_CLOCK=on")
            }
            do {
                return try jsonResponse(ClockAnswer(now: try simulated.advance(to: body.now), simulated: true))
            } catch let error as ClockCannotGoBack {
                throw APIError.conflict(error.description)
            }
        }
    }
}
