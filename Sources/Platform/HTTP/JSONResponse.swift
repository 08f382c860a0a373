import Foundation
import Hummingbird

/// JSON in and out with the API's conventions: snake_case keys, ISO 8601 dates.
enum JSONResponse {
    /// A JSON response of `value`.
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The API's error body `{"error": {"code", "message"}}`.
    static func error(status: HTTPResponse.Status, code: String, message: String) -> Response {
        let body = ErrorBody(error: .init(code: code, message: message))
        let data = (try? JSONEncoder().encode(body)) ?? Data(#"{"error":{"code":"internal","message":"internal error"}}"#.utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Decodes a small JSON body (at most 64 KB) as ``JSONRequest`` says; 400 `invalid_json`
    /// when it does not decode.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: 64 * 1024)
        } catch {
            throw SocialError(.tooLarge, "too_large", "the request body is too large")
        }
        return try JSONRequest.decode(type, from: Data(buffer.readableBytesView))
    }

    private struct ErrorBody: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
        }
        var error: Detail
    }
}
