import Hummingbird
import Ingest
import NIOCore

/// What a request carries between middleware and handlers.
public struct CollectorRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `RequestIDMiddleware`; on every log line and in the `X-Request-Id` header.
    public var requestID = ""
    /// Set by `AuthenticationMiddleware` when a valid bearer token came.
    public var identity: Identity?
    private let channel: any Channel

    /// The socket's peer (nil in tests that drive the router without a socket). Asked
    /// of the channel only by the routes that use it: the channel answers under a lock.
    public var remoteAddress: SocketAddress? { channel.remoteAddress }

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
