import CollectorServer
import Logging
import Synchronization
import Testing

/// The collector's log lines are `StreamLogHandler`'s, with the metadata formatted when written.
@Suite("Log lines")
struct DeferredMetadataLogHandlerTests {
    final class Lines: TextOutputStream, Sendable {
        private let written = Mutex<[String]>([])
        var all: [String] { written.withLock { $0 } }
        func write(_ string: String) { written.withLock { $0.append(string) } }
    }

    /// A line without its leading timestamp, which differs between the two handlers' seconds.
    static func untimed(_ line: String) -> Substring {
        line.drop { $0 != " " }
    }

    @Test("the same lines as StreamLogHandler: the logger's metadata, the line's own winning, the level")
    func sameLines() {
        let deferred = Lines()
        let stream = Lines()
        var loggers = [
            Logger(label: "nps") { DeferredMetadataLogHandler(StreamLogHandler(label: $0, stream: deferred)) },
            Logger(label: "nps") { StreamLogHandler(label: $0, stream: stream) },
        ]
        for index in loggers.indices {
            loggers[index].logLevel = .info
            loggers[index][metadataKey: "request_id"] = "r1"
            loggers[index][metadataKey: "hb.request.id"] = "h1"
            loggers[index][metadataKey: "hb.request.id"] = "h2"
            loggers[index].info("kept", metadata: ["request_id": "line", "campaign": "c1"])
            loggers[index].debug("below the level")
            loggers[index].warning("plain")
            #expect(loggers[index][metadataKey: "hb.request.id"] == "h2")
        }
        #expect(deferred.all.count == 2)
        #expect(deferred.all.map(Self.untimed) == stream.all.map(Self.untimed))
        #expect(
            deferred.all.first.map(Self.untimed)
                == " info nps: campaign=c1 hb.request.id=h2 request_id=line [CollectorServerTests] kept\n")
    }
}
