import Foundation
import Hummingbird

extension TrustedProxies {
    /// Who a rate limit counts: the socket's peer, or, when the peer is a
    /// trusted proxy, the last address of `X-Forwarded-For` that is not one.
    /// The landing page and unauthenticated statistics reports share this rule.
    func client(of request: Request, context: CollectorRequestContext) -> String {
        let peer = context.remoteAddress?.ipAddress ?? "unknown"
        guard contains(peer), let forwarded = request.headers[.forwardedFor] else {
            return peer
        }
        let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return hops.last(where: { !$0.isEmpty && !contains($0) }) ?? peer
    }
}
