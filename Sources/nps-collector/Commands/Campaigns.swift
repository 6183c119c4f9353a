import ArgumentParser
import CollectorServer
import EventStore
import Foundation
import Ingest
import NPSDomain

struct Campaigns: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Announce, close and list campaigns; their landing pages and the contacts left there.",
        subcommands: [Announce.self, Close.self, List.self, LandingPageCommand.self, Contacts.self]
    )

    struct Announce: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Append CampaignAnnounced.")

        @Option(help: "The campaign id (Rocket.Chat's npsId).")
        var id: String

        @Option(help: "When the survey starts (ISO-8601, e.g. 2027-03-01T00:00:00Z).")
        var start: String

        @Option(help: "When it expires (ISO-8601).")
        var expire: String

        @Option(help: "Comma-separated roles the banner is shown to (default admin,user).")
        var roles: String?

        @Option(help: "The question on the banner.")
        var question: String?

        @Flag(help: "Skip the notice period (tests and emergencies).")
        var allowShortNotice = false

        func run() async throws {
            guard let startAt = EventJSON.parseTimestamp(start) else {
                throw ValidationError("--start is not ISO-8601")
            }
            guard let expireAt = EventJSON.parseTimestamp(expire) else {
                throw ValidationError("--expire is not ISO-8601")
            }
            let announcement = CampaignBook.Announcement(
                id: id,
                startAt: startAt,
                expireAt: expireAt,
                roles: roles.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } },
                question: question
            )
            let campaign = try await EnvironmentSettings.withServices("nps-collector.campaigns") { services in
                do {
                    return try await services.campaigns.announce(
                        announcement,
                        allowShortNotice: allowShortNotice,
                        metadata: .init(sender: "cli")
                    )
                } catch let violation as CampaignRuleViolation {
                    throw ValidationError(violation.description)
                }
            }
            print(
                "announced \(campaign.id): \(EventJSON.formatTimestamp(campaign.startAt)) to \(EventJSON.formatTimestamp(campaign.expireAt))"
            )
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Append CampaignClosed: no more hand-outs.")

        @Argument var id: String

        func run() async throws {
            try await EnvironmentSettings.withServices("nps-collector.campaigns") { services in
                do {
                    try await services.campaigns.close(id, metadata: .init(sender: "cli"))
                } catch let violation as CampaignRuleViolation {
                    throw ValidationError(violation.description)
                }
            }
            print("closed \(id)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every campaign with its dates and state.")

        func run() async throws {
            let book = try await EnvironmentSettings.withServices("nps-collector.campaigns") {
                try await $0.campaigns.load()
            }
            let now = Date()
            for campaign in book.campaigns.values.sorted(by: { $0.startAt < $1.startAt }) {
                print(
                    "\(campaign.id)\t\(EventJSON.formatTimestamp(campaign.startAt))\t"
                        + "\(EventJSON.formatTimestamp(campaign.expireAt))\t\(campaign.state(at: now).rawValue)"
                )
            }
        }
    }

    struct LandingPageCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "landing-page",
            abstract: "Append LandingPageConfigured: the campaign's public page /s/ID on, off or changed."
        )

        @Argument var id: String

        @Flag(exclusivity: .exclusive, help: "Publish the page (--enable) or take it down (--disable).")
        var state: PageState = .enable

        @Option(help: "The question the page asks instead of the default one.")
        var question: String?

        @Flag(inversion: .prefixedNo, help: "Ask the optional reason for the score.")
        var askReason = true

        @Flag(help: "Ask optional first name, last name and email with a consent box (off by default).")
        var askContact = false

        enum PageState: EnumerableFlag {
            case enable
            case disable
        }

        func run() async throws {
            let page = LandingPage(
                enabled: state == .enable, question: question, askReason: askReason, askContact: askContact)
            try await EnvironmentSettings.withServices("nps-collector.campaigns") { services in
                do {
                    try await services.campaigns.configureLandingPage(id, page, metadata: .init(sender: "cli"))
                } catch let violation as CampaignRuleViolation {
                    throw ValidationError(violation.description)
                }
            }
            print("landing page of \(id) \(page.enabled ? "enabled at /s/\(id)" : "disabled")")
        }
    }

    struct Contacts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print the contact details left on the campaign's landing page as CSV (admins only: personal data)."
        )

        @Argument var id: String

        func run() async throws {
            let contacts = try await EnvironmentSettings.withServices("nps-collector.campaigns") { services in
                guard try await services.campaigns.campaign(id) != nil else {
                    throw ValidationError("no campaign \(id)")
                }
                return try await services.landing.contacts(of: id)
            }
            var csv = CSVText.row(["identifier", "firstName", "lastName", "email", "consentedAt"])
            for contact in contacts {
                csv += CSVText.row([
                    contact.identifier, contact.firstName ?? "", contact.lastName ?? "", contact.email ?? "",
                    EventJSON.formatTimestamp(contact.consentedAt),
                ])
            }
            print(csv, terminator: "")
        }
    }
}
