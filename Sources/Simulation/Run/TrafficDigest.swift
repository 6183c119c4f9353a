import Crypto
import NPSDomain

/// SHA-256 over a simulation's requests in plan order (phase by phase, the
/// cloud's requests first, then workspace by workspace), tokens left out: the
/// same for a recording and for a run that sent the requests in any order.
struct TrafficDigest {
    private var whole = SHA256()

    /// Adds one phase, given each workspace's requests' digest in index order.
    mutating func add(cloud: [SimulatedRequest], workspaces: [[UInt8]]) {
        whole.update(data: Self.digest(of: cloud))
        for digest in workspaces { whole.update(data: digest) }
    }

    static func digest(of requests: [SimulatedRequest]) -> [UInt8] {
        var hash = SHA256()
        for request in requests { hash.update(data: request.recorded) }
        return Array(hash.finalize())
    }

    func finalize() -> String {
        whole.finalize().lowercaseHex
    }
}
