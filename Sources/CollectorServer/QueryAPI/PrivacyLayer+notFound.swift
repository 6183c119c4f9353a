import NPSDomain
import Projections

/// The privacy layer's lookups as the routes need them: an unknown (or
/// malformed) id is a 404 problem.
extension PrivacyLayer {
    func requireCampaign(_ id: String) async throws -> PublishedCampaign {
        guard Identifiers.isValid(id), let campaign = try await campaign(id) else {
            throw APIError.notFound("no campaign \(id)")
        }
        return campaign
    }

    func requireRoleBreakdown(_ id: String) async throws -> DisclosedRoles {
        guard Identifiers.isValid(id), let breakdown = try await roleBreakdown(of: id) else {
            throw APIError.notFound("no campaign \(id)")
        }
        return breakdown
    }

    func requireWorkspace(_ id: String) async throws -> (WorkspaceEntry, [WorkspaceCampaign]) {
        guard Identifiers.isValid(id), let found = try await workspace(id) else {
            throw APIError.notFound("no workspace \(id)")
        }
        return found
    }
}
