import Hummingbird
import HummingbirdCore
import NIOCore
import NPSDomain

extension HTTPServerBuilder {
    /// HTTP/1.1 as the collector serves it: a connection that sends nothing
    /// for `idleTimeout` (between requests or in the middle of one) is closed.
    public static func collector(idleTimeout: Duration = .seconds(Limits.idleConnectionSeconds)) -> HTTPServerBuilder {
        .http1(configuration: .init(idleTimeout: TimeAmount(idleTimeout)))
    }
}
