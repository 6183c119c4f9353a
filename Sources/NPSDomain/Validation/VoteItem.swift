/// One item of a results upload, checked. Accepts every shape a released
/// Rocket.Chat version sends: `{identifier, roles, score, comment}` (4.x–6.x)
/// and whole vote documents (extra fields such as `_id`, `ts`, `status` are
/// ignored); scores as numbers or numeric strings (before 6.x the score is the
/// UI's string "0"..."10").
public enum VoteItem {
    public struct Valid: Sendable, Equatable {
        public var identifier: String
        public var roles: [String]
        public var score: Int
        public var comment: String?

        public init(identifier: String, roles: [String], score: Int, comment: String?) {
            self.identifier = identifier
            self.roles = roles
            self.score = score
            self.comment = comment
        }
    }

    /// Why an item went to quarantine instead of the log.
    public struct Rejection: Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
        init(_ reason: String) { self.reason = reason }
    }

    public static func validate(_ item: JSONValue, campaignID: String) -> Result<Valid, Rejection> {
        guard let fields = item.objectValue else {
            return .failure(Rejection("a vote must be a JSON object"))
        }
        // 3.x whole documents carry their campaign: it must be this one.
        if let npsID = fields["npsId"], npsID != .null, npsID.stringValue != campaignID {
            return .failure(Rejection("npsId does not match the campaign in the URL"))
        }
        guard let identifier = fields["identifier"]?.stringValue else {
            return .failure(Rejection("identifier is missing or not a string"))
        }
        guard identifier.utf8.count == 64, identifier.utf8.allSatisfy(\.isHexDigit) else {
            return .failure(Rejection("identifier must be 64 hexadecimal characters"))
        }
        let score: Int
        switch parseScore(fields["score"]) {
        case .success(let value): score = value
        case .failure(let rejection): return .failure(rejection)
        }
        let roles: [String]
        switch parseRoles(fields["roles"]) {
        case .success(let value): roles = value
        case .failure(let rejection): return .failure(rejection)
        }
        let comment: String?
        switch fields["comment"] {
        case nil, .null: comment = nil
        // 6.x stores String(comment), so a vote without one arrives as "undefined".
        case .string("undefined"): comment = nil
        case .string(let text):
            guard text.unicodeScalars.count <= Limits.commentLength else {
                return .failure(Rejection("comment is longer than \(Limits.commentLength) characters"))
            }
            guard !text.unicodeScalars.contains("\u{0}") else {
                return .failure(Rejection("comment contains U+0000, which cannot be stored"))
            }
            comment = text
        default:
            return .failure(Rejection("comment must be a string"))
        }
        return .success(Valid(identifier: identifier.lowercased(), roles: roles, score: score, comment: comment))
    }

    static func parseScore(_ value: JSONValue?) -> Result<Int, Rejection> {
        let number: Double
        switch value {
        case nil:
            return .failure(Rejection("score is missing"))
        // 6.x–8.x send Number(score): a vote without a score is NaN, which JSON writes as null.
        // Not a vote we can count, so it stays in quarantine, with a reason that says so.
        case .null:
            return .failure(Rejection("score is null (Number(undefined) on the workspace: a vote without a score)"))
        case .number(let value):
            number = value
        case .string(let text):
            guard let value = Double(text), !text.isEmpty, text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" })
            else {
                return .failure(Rejection("score must be a number from 0 to 10"))
            }
            number = value
        default:
            return .failure(Rejection("score must be a number from 0 to 10"))
        }
        guard number.rounded() == number, (0...10).contains(number) else {
            return .failure(Rejection("score must be an integer from 0 to 10"))
        }
        return .success(Int(number))
    }

    static func parseRoles(_ value: JSONValue?) -> Result<[String], Rejection> {
        switch value {
        case nil, .null:
            return .success([])
        case .array(let items):
            guard items.count <= Limits.rolesPerVote else {
                return .failure(Rejection("more than \(Limits.rolesPerVote) roles"))
            }
            var roles: [String] = []
            for item in items {
                guard let role = item.stringValue, !role.isEmpty, role.unicodeScalars.count <= Limits.roleLength,
                    !role.unicodeScalars.contains("\u{0}")
                else {
                    return .failure(
                        Rejection(
                            "roles must be a list of non-empty strings of at most \(Limits.roleLength) characters")
                    )
                }
                roles.append(role)
            }
            return .success(roles)
        default:
            return .failure(Rejection("roles must be a list of strings"))
        }
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}
