import Logging

/// swift-log's `StreamLogHandler`, with its metadata formatted when a line is
/// written rather than whenever it is set. Hummingbird gives every request's
/// logger an id, and `RequestIDMiddleware` another; `StreamLogHandler`
/// formats the whole metadata again on each set, which was 3.7 % of the
/// collector's CPU time while it served cached answers (perf, `bench query`),
/// for lines that are almost never written. The lines are the same.
public struct DeferredMetadataLogHandler: LogHandler {
    private var stream: StreamLogHandler
    public var metadata = Logger.Metadata()

    public init(_ stream: StreamLogHandler) {
        self.stream = stream
    }

    /// Writes to standard error, as `StreamLogHandler.standardError` does.
    public static func standardError(label: String) -> Self {
        Self(StreamLogHandler.standardError(label: label))
    }

    public var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { stream.metadataProvider }
        set { stream.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        // The line's own metadata wins over the logger's, as in StreamLogHandler.
        if !metadata.isEmpty { event.metadata = metadata.merging(event.metadata ?? [:]) { $1 } }
        stream.log(event: event)
    }
}
