/// Settings of the HTTP server. Every one has an environment variable and a
/// flag of `nps-collector serve` (see README, "Configuration").
public struct ServerConfiguration: Sendable {
    /// NPS_HOST: loopback unless told otherwise.
    public var host: String
    /// NPS_PORT
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}
