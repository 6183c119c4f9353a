/// A way to part a campaign's workspaces by what they say of themselves
/// (`WorkspaceProfile`), each workspace counted under the profile it
/// reported before its results for the campaign. The values are derived
/// once, in `schema/functions/profile_segments.sql`: see docs/segments.md.
public enum SegmentDimension: String, CaseIterable, Sendable {
    /// Rocket.Chat's version as major.minor (`6.12`).
    case version
    /// Rocket.Chat's major version (`6`).
    case major
    /// Deployment method and platform (`docker/rocketchat`).
    case deployment
    /// `enterprise` or `community`.
    case edition
    /// Active users in bands: 1-10, 11-50, 51-250, 251-1000, 1001-5000, 5001+.
    case size
    case industry
    case orgSize
    case country
    case language

    /// What an analyst reads in a table's header.
    public var title: String {
        switch self {
        case .version: "Version"
        case .major: "Major version"
        case .deployment: "Deployment"
        case .edition: "Edition"
        case .size: "Active users"
        case .industry: "Industry"
        case .orgSize: "Organisation size"
        case .country: "Country"
        case .language: "Language"
        }
    }
}
