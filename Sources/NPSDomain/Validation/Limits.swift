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
    /// A statistics report without a token: anyone can send one, so its body is
    /// bounded tighter. Rocket.Chat's document is tens of KiB.
    public static let unverifiedStatisticsBodyBytes = 128 * 1024
    /// Statistics reports without a token from one client (address), at once;
    /// then one more every `unverifiedStatisticsClientRefillSeconds`. An
    /// honest workspace reports daily (3.x hourly) and at start-up; a few
    /// dozen behind one address (a hosting provider's NAT) still pass.
    public static let unverifiedStatisticsPerClient = 30
    public static let unverifiedStatisticsClientRefillSeconds = 10
    /// Statistics reports without a token for one `uniqueId`, at once; then one
    /// more every `unverifiedStatisticsWorkspaceRefillSeconds` (3.x: hourly,
    /// plus one per restart).
    public static let unverifiedStatisticsPerWorkspace = 4
    public static let unverifiedStatisticsWorkspaceRefillSeconds = 15 * 60
    public static let otherBodyBytes = 256 * 1024
    /// Results uploads of one workspace in flight at once, in one collector
    /// process: one token cannot hold more of the database pool than this.
    /// Rocket.Chat sends its batches one after another, 5 minutes apart.
    public static let concurrentUploadsPerWorkspace = 4
    /// `Retry-After` of an upload refused for that (Rocket.Chat does not retry; other clients may).
    public static let concurrentUploadsRetryAfterSeconds = 5
    /// Seconds a connection may send nothing, between requests or in the
    /// middle of one, before the server closes it: a slow or stalled client
    /// cannot hold a connection (and an upload's place) for ever, and a
    /// graceful shutdown never waits on one.
    public static let idleConnectionSeconds = 60
    /// The landing page's form (`POST /s/{campaignId}`), in bytes.
    public static let landingFormBytes = 16 * 1024
    /// A landing-page contact's first or last name, in Unicode scalars.
    public static let contactNameLength = 100
    /// A landing-page contact's email (RFC 5321's longest path).
    public static let emailLength = 254
}
