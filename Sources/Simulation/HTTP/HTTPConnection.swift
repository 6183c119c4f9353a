import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 connection, requests one after another: enough
/// for a benchmark or the simulator to act as a Rocket.Chat server (plain
/// HTTP; put TLS in front of the collector, not in here).
public enum HTTPConnection {
    public struct Answer: Sendable {
        public var status: HTTPResponseStatus
        public var body: ByteBuffer
    }

    /// Opens a connection to `host`:`port` and hands `body` a function that sends one request.
    public static func withConnection<Result: Sendable>(
        host: String = "127.0.0.1",
        port: Int,
        _ body: (_ send: (HTTPMethod, String, HTTPHeaders, ByteBuffer?) async throws -> Answer) async throws -> Result
    ) async throws -> Result {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel
                    )
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var responses = inbound.makeAsyncIterator()
            return try await body { method, uri, headers, requestBody in
                var headers = headers
                headers.replaceOrAdd(name: "Host", value: host)
                headers.replaceOrAdd(name: "Content-Length", value: String(requestBody?.readableBytes ?? 0))
                try await outbound.write(
                    .head(HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)))
                if let requestBody { try await outbound.write(.body(.byteBuffer(requestBody))) }
                try await outbound.write(.end(nil))
                var status = HTTPResponseStatus.internalServerError
                var responseBody = ByteBuffer()
                while let part = try await responses.next() {
                    switch part {
                    case .head(let head): status = head.status
                    case .body(var chunk): responseBody.writeBuffer(&chunk)
                    case .end: return Answer(status: status, body: responseBody)
                    }
                }
                throw ChannelError.eof
            }
        }
    }
}
