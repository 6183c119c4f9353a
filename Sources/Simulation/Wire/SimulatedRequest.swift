/// One request of the simulated fleet, as it goes on the wire (the token
/// apart: tokens are the collector's, so recordings name whose token it is).
public struct SimulatedRequest: Sendable {
    public enum Credential: Sendable, Equatable {
        case admin
        case workspace(Int)
    }

    public enum Purpose: Sendable, Equatable {
        case moveClock
        case register(workspace: Int)
        case announce
        case statistics
        case sync
        case surveyFetch
        case upload(votes: Int)
    }

    public var method: String
    public var path: String
    public var contentType: String?
    public var body: [UInt8]
    public var credential: Credential
    public var purpose: Purpose
    /// The status the collector answers when all is well.
    public var expectedStatus: Int

    /// The request as a recording holds it: request line, headers, blank line, body, blank line.
    public var recorded: [UInt8] {
        var text = "\(method) \(path) HTTP/1.1\r\n"
        switch credential {
        case .admin: text += "Authorization: Bearer <admin token>\r\n"
        case .workspace(let index): text += "Authorization: Bearer <token of workspace \(index)>\r\n"
        }
        if let contentType { text += "Content-Type: \(contentType)\r\n" }
        text += "Content-Length: \(body.count)\r\n\r\n"
        return Array(text.utf8) + body + Array("\r\n".utf8)
    }
}
