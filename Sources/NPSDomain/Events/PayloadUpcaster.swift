/// Turns a payload stored at `fromVersion` into the shape of `fromVersion + 1`.
///
/// Events in the log are never rewritten; when a payload's shape changes, the
/// new version gets an upcaster and readers see only current shapes.
public struct PayloadUpcaster: Sendable {
    public let eventType: EventType
    public let fromVersion: Int
    public let upcast: @Sendable (JSONValue) throws -> JSONValue

    public init(
        _ eventType: EventType,
        from fromVersion: Int,
        upcast: @escaping @Sendable (JSONValue) throws -> JSONValue
    ) {
        self.eventType = eventType
        self.fromVersion = fromVersion
        self.upcast = upcast
    }

    /// The upcasters of the payload changes made so far.
    public static let all: [PayloadUpcaster] = []
}
