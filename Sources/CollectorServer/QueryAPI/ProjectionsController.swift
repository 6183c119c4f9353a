import Hummingbird
import Projections

/// `GET /api/v1/projections` (analyst or admin token): where every read model is.
struct ProjectionsController {
    let projections: ProjectionStore

    func register(on group: RouterGroup<CollectorRequestContext>) {
        group.get("projections") { _, _ in
            try jsonResponse(try await projections.status())
        }
    }
}
