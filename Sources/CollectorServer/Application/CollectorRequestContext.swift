import Hummingbird
import Ingest

/// What a request carries between middleware and handlers.
public struct CollectorRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `RequestIDMiddleware`; on every log line and in the `X-Request-Id` header.
    public var requestID = ""
    /// Set by `AuthenticationMiddleware` when a valid bearer token came.
    public var identity: Identity?

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }
}
