/// Every limit of the ingest, in one place; the "Limits" table of docs/http-api.md lists them.
public enum Limits {
    /// Rocket.Chat sends at most 1000 votes per results request.
    public static let votesPerBatch = 1_000
    /// Unicode scalars in a comment; Rocket.Chat itself sets no limit.
    public static let commentLength = 10_000
    public static let rolesPerVote = 32
    public static let roleLength = 64
    /// A campaign's banner question.
    public static let questionLength = 500
    /// A token's label.
    public static let labelLength = 200
    /// Workspace and campaign ids: letters, digits, `-`, `_`, `.`.
    public static let idLength = 128
    /// Request bodies, in bytes.
    public static let resultsBodyBytes = 8 * 1024 * 1024
    public static let statisticsBodyBytes = 1024 * 1024
    public static let otherBodyBytes = 256 * 1024
    /// The landing page's form (`POST /s/{campaignId}`), in bytes.
    public static let landingFormBytes = 16 * 1024
    /// A landing-page contact's first or last name, in Unicode scalars.
    public static let contactNameLength = 100
    /// A landing-page contact's email (RFC 5321's longest path).
    public static let emailLength = 254
}
