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
    public static let all: [PayloadUpcaster] = [voteCastRoles, voteCastIDsInStream, voteCastReplacesUnsaid]

    /// VoteCast 1 → 2: roles without duplicates, in code point order (see `VoteCast`).
    public static let voteCastRoles = PayloadUpcaster(.voteCast, from: 1) { json in
        guard case .object(var members) = json, let roles = members["roles"]?.arrayValue else {
            throw MalformedPayload(reason: "VoteCast version 1 without a list of roles")
        }
        let names = try roles.map { role in
            guard let name = role.stringValue else { throw MalformedPayload(reason: "a role that is not a string") }
            return name
        }
        members["roles"] = .array(VoteCast.normalizedRoles(names).map(JSONValue.string))
        return .object(members)
    }
}

extension PayloadUpcaster {
    /// VoteCast 2 → 3: the campaign and workspace leave the payload for the stream id, which
    /// names the same two (record_votes writes both from one batch), so that a vote of any
    /// version has its ids from one place.
    public static let voteCastIDsInStream = PayloadUpcaster(.voteCast, from: 2) { json in
        guard case .object(var members) = json else {
            throw MalformedPayload(reason: "VoteCast version 2 that is not an object")
        }
        members["campaignID"] = nil
        members["workspaceID"] = nil
        return .object(members)
    }
}

extension PayloadUpcaster {
    /// VoteCast 3 → 4: the same members. What a version 3 change replaced was not written in it
    /// (the fold found it in current_votes), so it reads as not said.
    public static let voteCastReplacesUnsaid = PayloadUpcaster(.voteCast, from: 3) { json in json }
}

public struct MalformedPayload: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}
