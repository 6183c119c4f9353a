import Foundation

/// A campaign's public landing page (`/s/{campaignId}`): for audiences that
/// are not in a workspace. Its votes go through the same log, projections
/// and queries as workspace votes, under the campaign's landing source.
public struct LandingPage: Sendable, Equatable, Codable {
    public var enabled: Bool
    /// Asked instead of the default question; nil asks the default.
    public var question: String?
    public var askReason: Bool
    /// Off by default: first name, last name and email, kept apart from the vote.
    public var askContact: Bool

    public static let defaultQuestion =
        "How likely are you to recommend us to a friend or colleague?"
    public static let reasonQuestion = "What is the main reason for your score?"

    public init(enabled: Bool = true, question: String? = nil, askReason: Bool = true, askContact: Bool = false) {
        self.enabled = enabled
        self.question = question
        self.askReason = askReason
        self.askContact = askContact
    }

    /// The question the page shows.
    public var shownQuestion: String { question ?? Self.defaultQuestion }
}

/// The workspace id under which a campaign's landing-page votes are kept:
/// `landing:{campaignId}`. Real workspace ids are letters, digits, `-`, `_`
/// and `.` only (`Identifiers`), so no workspace can be registered under it,
/// and every breakdown shows it as a source of its own.
public enum LandingSource {
    public static let prefix = "landing:"

    public static func workspaceID(campaignID: String) -> String { prefix + campaignID }

    /// The campaign of a landing source id, nil for any other workspace id.
    public static func campaignID(ofWorkspace workspaceID: String) -> String? {
        guard workspaceID.hasPrefix(prefix) else { return nil }
        let campaignID = String(workspaceID.dropFirst(prefix.count))
        return Identifiers.isValid(campaignID) ? campaignID : nil
    }

    /// A registered workspace's id or a landing source's: what a purge may name.
    public static func isSource(_ workspaceID: String) -> Bool {
        Identifiers.isValid(workspaceID) || campaignID(ofWorkspace: workspaceID) != nil
    }
}

/// Contact details a landing-page voter chose to leave (only when the page
/// asks for them and the consent box is ticked). Kept apart from the vote,
/// never in the event log.
public struct LandingContact: Sendable, Equatable, Codable {
    public var firstName: String?
    public var lastName: String?
    public var email: String?

    public init(firstName: String?, lastName: String?, email: String?) {
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
    }

    public var isEmpty: Bool { firstName == nil && lastName == nil && email == nil }

    /// Trims each field (an empty one is absent) and checks the limits; the
    /// email loosely: one `@` with something on each side, no spaces.
    public static func validate(
        firstName: String?, lastName: String?, email: String?
    ) -> Result<LandingContact, VoteItem.Rejection> {
        Result { () throws(VoteItem.Rejection) in
            let first = try field(firstName, "the first name", Limits.contactNameLength)
            let last = try field(lastName, "the last name", Limits.contactNameLength)
            let address = try field(email, "the email", Limits.emailLength)
            if let address {
                let parts = address.split(separator: "@", omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
                    !address.unicodeScalars.contains(where: { $0.properties.isWhitespace })
                else { throw VoteItem.Rejection("the email must look like name@example.org") }
            }
            return LandingContact(firstName: first, lastName: last, email: address)
        }
    }

    /// One field trimmed, nil when empty; at most `limit` Unicode scalars, no control characters.
    private static func field(_ value: String?, _ name: String, _ limit: Int) throws(VoteItem.Rejection) -> String? {
        guard let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else {
            return nil
        }
        guard trimmed.unicodeScalars.count <= limit else {
            throw VoteItem.Rejection("\(name) is at most \(limit) characters")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw VoteItem.Rejection("\(name) contains control characters")
        }
        return trimmed
    }
}
