import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// NPS_TRUSTED_PROXIES: the reverse proxies whose `X-Forwarded-For` names
/// the client, as addresses or networks (`10.0.0.5`, `10.244.0.0/16`,
/// `fd00::/8`). Networks because in a cluster the proxy is a pod (an ingress
/// controller) whose address changes with every restart; only the pod network
/// is known in advance. An IPv4 peer seen by a dual-stack listener as
/// `::ffff:a.b.c.d` matches as `a.b.c.d`.
public struct TrustedProxies: Sendable, Equatable {
    struct Network: Sendable, Equatable {
        /// 4 bytes (IPv4) or 16 (IPv6).
        var bytes: [UInt8]
        var prefixLength: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var remaining = prefixLength
            for (mine, theirs) in zip(bytes, address) where remaining > 0 {
                let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
                if mine & mask != theirs & mask { return false }
                remaining -= 8
            }
            return true
        }
    }

    let networks: [Network]

    public static let none = TrustedProxies(networks: [])

    init(networks: [Network]) { self.networks = networks }

    /// Comma-separated addresses and networks; blanks between commas are
    /// ignored. Throws on the first entry that is neither.
    public init(parsing list: String) throws {
        var networks: [Network] = []
        for entry in list.split(separator: ",") {
            let entry = entry.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty { continue }
            let parts = entry.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2, let bytes = Self.bytes(of: String(parts[0])) else {
                throw InvalidTrustedProxy(entry: entry)
            }
            let prefixLength = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
            guard let prefixLength, (0...bytes.count * 8).contains(prefixLength) else {
                throw InvalidTrustedProxy(entry: entry)
            }
            networks.append(Network(bytes: bytes, prefixLength: prefixLength))
        }
        self.networks = networks
    }

    public var isEmpty: Bool { networks.isEmpty }

    /// True when `address` (as the socket or `X-Forwarded-For` gives it) is in one of the networks.
    public func contains(_ address: String) -> Bool {
        guard !networks.isEmpty, let bytes = Self.bytes(of: address) else { return false }
        return networks.contains { $0.contains(bytes) }
    }

    /// The address's bytes; an IPv4-mapped IPv6 address as its 4 IPv4 bytes.
    static func bytes(of address: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, address, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF]
        return bytes.starts(with: mappedPrefix) ? Array(bytes.suffix(4)) : bytes
    }
}

public struct InvalidTrustedProxy: Error, CustomStringConvertible {
    public var entry: String
    public var description: String {
        "NPS_TRUSTED_PROXIES: \"\(entry)\" is neither an IP address nor a network (address/prefix length)"
    }
}
