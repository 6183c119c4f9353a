import Crypto
import Foundation

/// Time-ordered event ids (UUID version 7, RFC 9562): new ids land at the
/// right edge of the unique index, which keeps appends fast.
public enum EventID {
    public static func make(at date: Date = Date()) -> UUID {
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var random = SystemRandomNumberGenerator()
        let low = random.next() as UInt64
        let high = random.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index)))
        }
        for index in 6..<16 {
            let source = index < 14 ? low : high
            bytes[index] = UInt8(truncatingIfNeeded: source >> (8 * (index % 8)))
        }
        return uuid(bytes, version: 7)
    }

    /// 16 bytes as an RFC 9562 UUID of the given version.
    private static func uuid(_ bytes: [UInt8], version: UInt8) -> UUID {
        var bytes = bytes
        bytes[6] = (bytes[6] & 0x0F) | (version << 4)
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 9562 variant
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            )
        )
    }
}

extension EventID {
    /// The same id for the same name, every time (UUID version 8 from SHA-256,
    /// RFC 9562 appendix B.2). For facts that happen at most once, such as
    /// "workspace W was notified of campaign C": appending one again is a repeat.
    public static func named(_ parts: String...) -> UUID {
        digest(of: Array(parts.joined(separator: "\u{1F}").utf8))
    }

    /// A UUID made of the first 128 bits of the bytes' SHA-256: a compact
    /// fingerprint of content (a vote, a quarantined item).
    public static func digest(of content: [UInt8]) -> UUID {
        uuid(Array(SHA256.hash(data: content).prefix(16)), version: 8)
    }
}
