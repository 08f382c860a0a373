import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Platform

@Suite("HTTP live server")
struct HTTPLiveTests {
    @Test("over a real socket: register, upload, oversize 413, media with Range")
    func live() async throws {
        let fixture = try await HTTPFixture.make {
            $0.port = 0
            $0.maximumPhotoBytes = 64 * 1024
            $0.maximumVideoBytes = 128 * 1024
        }
        let bytes = Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try fixture.store.put(try ObjectKey("media/1/150.jpg"), data: bytes)
        try await LiveServer.run(fixture.api) { client in
            let alice = try await client.user("alice")
            var headers = alice.auth
            headers[.contentType] = "multipart/form-data; boundary=\(HTTPPostTests.boundary)"
            let created = try await client.executeRequest(
                uri: "/api/v1/posts", method: .post, headers: headers,
                body: HTTPPostTests.multipart(HTTPPostTests.jpeg(30_000)))
            #expect(created.status == .created)
            let oversize = try await client.executeRequest(
                uri: "/api/v1/posts", method: .post, headers: headers,
                body: HTTPPostTests.multipart(HTTPPostTests.jpeg(100_000)))
            #expect(oversize.status == .contentTooLarge)
            let range = try await client.send(.get, "/media/media/1/150.jpg", headers: [.range: "bytes=100-199"])
            #expect(range.status == .partialContent)
            #expect(Data(range.body.readableBytesView) == bytes[100..<200])
            #expect(range.headers[.contentType] == "image/jpeg")
        }
    }
}
