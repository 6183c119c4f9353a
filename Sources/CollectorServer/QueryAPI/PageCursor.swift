import Foundation
import NPSDomain
import Projections

/// The opaque `cursor` of a paged list: the position of a page's last row,
/// with the ordering it belongs to, as base64url JSON. A client passes back
/// `nextCursor` unchanged; anything else is a 400.
enum PageCursor {
    static let maximumLength = 1_024

    static func encode(_ members: [String: JSONValue]) -> String {
        let json = (try? EventJSON.encode(JSONValue.object(members))) ?? "{}"
        return Data(json.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String) throws -> [String: JSONValue] {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard cursor.count <= maximumLength, let data = Data(base64Encoded: base64),
            case .object(let members)? = try? JSONValue.parse(Array(data)),
            !JSONValue.object(members).containsNUL
        else { throw invalid }
        return members
    }

    static let invalid = APIError.badRequest("cursor is not valid: pass the nextCursor of an earlier page unchanged")
}

extension PageCursor {
    /// A cursor of the workspace breakdown, tied to its sort, order and minVotes.
    static func workspaces(_ position: WorkspacePosition, of request: WorkspaceBreakdownRequest) -> String {
        encode([
            "sort": .string(request.sort.rawValue), "descending": .bool(request.descending),
            "minVotes": .number(Double(request.minVotes)), "hasKey": .bool(position.hasKey),
            "key": .number(position.key), "id": .string(position.workspaceID),
        ])
    }

    static func workspacePosition(
        _ cursor: String, for request: WorkspaceBreakdownRequest
    ) throws
        -> WorkspacePosition
    {
        let members = try decode(cursor)
        guard let hasKey = members["hasKey"]?.boolValue, let key = members["key"]?.doubleValue,
            let id = members["id"]?.stringValue
        else { throw invalid }
        guard members["sort"]?.stringValue == request.sort.rawValue,
            members["descending"]?.boolValue == request.descending,
            members["minVotes"]?.doubleValue == Double(request.minVotes)
        else {
            throw APIError.badRequest("cursor belongs to another sort, order or minVotes; start again without it")
        }
        return WorkspacePosition(hasKey: hasKey, key: key, workspaceID: id)
    }

    static func votes(_ position: VotePosition) -> String {
        encode([
            "workspace": .string(position.workspaceID), "identifier": .string(position.identifier),
            "tie": .number(Double(position.tie)),
        ])
    }

    static func votePosition(_ cursor: String) throws -> VotePosition {
        let members = try decode(cursor)
        guard let workspace = members["workspace"]?.stringValue, let identifier = members["identifier"]?.stringValue,
            let tie = members["tie"]?.doubleValue, tie >= 0, tie <= 1_000_000, tie.rounded() == tie
        else { throw invalid }
        return VotePosition(workspaceID: workspace, identifier: identifier, tie: Int(tie))
    }
}
