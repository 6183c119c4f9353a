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
    /// The socket's peer (nil in tests that drive the router without a socket).
    public let remoteAddress: SocketAddress?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
