import Hummingbird
import NPSDomain

/// A JSON answer in the events' dialect (ISO-8601 UTC times with milliseconds,
/// the form Rocket.Chat's schema checks expect).
func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
    let text = try EventJSON.encode(value)
    return Response(
        status: status,
        headers: [.contentType: "application/json"],
        body: .init(byteBuffer: ByteBuffer(string: text))
    )
}
