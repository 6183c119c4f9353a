import Foundation
import NPSDomain

/// The bodies Rocket.Chat servers send, in each release's shape
/// (`../shared/docs/rocketchat-wire.md`).
enum WireBodies {
    static let json = "application/json"
    static let plainText = "text/plain;charset=UTF-8"

    static func time(_ date: Date) -> String { EventJSON.formatTimestamp(date) }

    /// The sync: the workspace's registration data, of which the collector reads `npsEnabled`
    /// (absent in 3.x). 7.x and 8.x send the whole registration record, personal data included,
    /// which the collector must not keep.
    static func sync(_ workspace: SimulatedWorkspace, npsEnabled: Bool) -> [UInt8] {
        let release = workspace.release
        var writer = JSONWriter()
        writer.object { body in
            body.member("uniqueId", workspace.id)
            if release.syncSendsRegistrationRecord {
                body.member("workspaceId", "cloud-\(workspace.index)")
                body.member("address", "\(workspace.index) Simulated Street")
                body.member("contactName", "Admin \(workspace.index)")
                body.member("contactEmail", "admin-\(workspace.index)@chat-\(workspace.index).example.org")
                body.member("seats", workspace.totalUsers)
                body.member("organizationType", "community")
                body.member("industry", workspace.industry)
                body.member("orgSize", "51-100")
                body.member("country", workspace.country)
                body.member("language", workspace.language)
                body.member("accountName", "account-\(workspace.index)")
                body.member("website", "https://chat-\(workspace.index).example.org")
                body.member("siteName", "Chat \(workspace.index)")
                body.member("workspaceType", "workspace")
                body.member("enterpriseReady", workspace.isEnterprise)
                body.member("setupComplete", true)
                body.member("connectionDisable", false)
            }
            if release.syncSendsNPSFlag { body.member("npsEnabled", npsEnabled) }
            body.member("deploymentMethod", "docker")
            body.member("deploymentPlatform", "selfinstall")
            body.member("version", release.version)
        }
        return writer.bytes
    }

    /// The statistics document (a few of its ~150 fields) plus `host`.
    static func statistics(_ workspace: SimulatedWorkspace, npsEnabled: Bool, at date: Date) -> [UInt8] {
        var writer = JSONWriter()
        writer.object { body in
            body.member("uniqueId", workspace.id)
            body.member("installedAt", "2019-03-04T10:00:00.000Z")
            body.member("version", workspace.release.version)
            body.key("deploy")
            body.object { deploy in
                deploy.member("method", "docker")
                deploy.member("platform", "selfinstall")
            }
            body.member("totalUsers", workspace.totalUsers)
            body.member("activeUsers", workspace.activeUsers)
            body.member("activeGuests", workspace.activeUsers / 50)
            body.member("nonActiveUsers", workspace.totalUsers - workspace.activeUsers)
            body.member("onlineUsers", workspace.activeUsers / 5)
            body.member("totalRooms", workspace.activeUsers / 3 + 4)
            body.member("totalMessages", workspace.activeUsers * 180)
            body.key("settings")
            body.object { settings in
                settings.key("general")
                settings.object { general in
                    general.key("nps")
                    general.object { nps in nps.member("surveyEnabled", npsEnabled) }
                }
            }
            body.member("createdAt", time(date))
            body.member("enterpriseReady", workspace.isEnterprise)
            body.key("wizard")
            body.object { wizard in
                wizard.member("industry", workspace.industry)
                wizard.member("country", workspace.country)
                wizard.member("language", workspace.language)
            }
            body.member("host", "chat-\(workspace.index).example.org")
        }
        return writer.bytes
    }

    /// A results upload: `{total, votes}`, each vote in the release's shape.
    static func results(
        _ votes: ArraySlice<CampaignVotes.Vote>, total: Int, campaignID: String, shape: RocketChatRelease.Shape,
        sentAt: Date
    ) -> (contentType: String, body: [UInt8]) {
        var writer = JSONWriter(capacity: 160 * votes.count + 32)
        writer.object { body in
            body.member("total", total)
            body.key("votes")
            body.array { list in
                for vote in votes { item(vote, campaignID: campaignID, shape: shape, sentAt: sentAt, into: &list) }
            }
        }
        return (shape == .stringScoresAsText ? plainText : json, writer.bytes)
    }

    private static func item(
        _ vote: CampaignVotes.Vote, campaignID: String, shape: RocketChatRelease.Shape, sentAt: Date,
        into writer: inout JSONWriter
    ) {
        writer.object { item in
            switch shape {
            case .wholeDocuments:
                item.member("_id", String(vote.identifier.prefix(17)))
                item.member("npsId", campaignID)
                item.member("ts", time(vote.votedAt))
                item.member("identifier", vote.identifier)
                item.member("roles", strings: vote.roles)
                item.member("score", String(vote.score))
                item.member("comment", vote.comment ?? "")
                item.member("status", "sending")
                item.member("sentAt", time(sentAt))
                item.member("_updatedAt", time(sentAt))
            case .stringScoresAsText, .stringScores:
                item.member("identifier", vote.identifier)
                item.member("roles", strings: vote.roles)
                item.member("score", String(vote.score))
                if let comment = vote.comment { item.member("comment", comment) }
            case .numericScores:
                item.member("identifier", vote.identifier)
                item.member("roles", strings: vote.roles)
                item.member("score", vote.score)
                // 6.x sends String(comment), so a vote without one says "undefined".
                item.member("comment", vote.comment ?? "undefined")
            }
        }
    }

    static func announcement(id: String, startAt: Date, expireAt: Date) -> [UInt8] {
        var writer = JSONWriter()
        writer.object { body in
            body.member("id", id)
            body.member("startAt", time(startAt))
            body.member("expireAt", time(expireAt))
            body.member("roles", strings: ["admin", "user"])
        }
        return writer.bytes
    }

    static func registration(_ workspace: SimulatedWorkspace) -> [UInt8] {
        var writer = JSONWriter()
        writer.object { body in body.member("workspaceId", workspace.id) }
        return writer.bytes
    }

    static func clock(_ date: Date) -> [UInt8] {
        var writer = JSONWriter()
        writer.object { body in body.member("now", time(date)) }
        return writer.bytes
    }
}
