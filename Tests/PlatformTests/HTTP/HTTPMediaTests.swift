import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

@testable import Platform

@Suite("HTTP media serving")
struct HTTPMediaTests {
    @Test("200 with type, ETag and immutable caching; 304 on If-None-Match; 206 and 416 for ranges")
    func serve() async throws {
        let fixture = try await HTTPFixture.make()
        let bytes = Data((0..<1000).map { UInt8(truncatingIfNeeded: $0) })
        let key = try ObjectKey("media/5/640.webp")
        let info = try fixture.store.put(key, data: bytes)
        try await fixture.test { client in
            let full = try await client.send(.get, "/media/media/5/640.webp")
            #expect(full.status == .ok)
            #expect(Data(full.body.readableBytesView) == bytes)
            #expect(full.headers[.contentType] == "image/webp")
            #expect(full.headers[.cacheControl] == "public, max-age=31536000, immutable")
            let etag = try #require(full.headers[.eTag])
            #expect(etag == "\"\(info.etag)\"")

            let cached = try await client.send(.get, "/media/media/5/640.webp", headers: [.ifNoneMatch: etag])
            #expect(cached.status == .notModified)
            #expect(cached.body.readableBytes == 0)

            let partial = try await client.send(.get, "/media/media/5/640.webp", headers: [.range: "bytes=10-19"])
            #expect(partial.status == .partialContent)
            #expect(Data(partial.body.readableBytesView) == bytes[10..<20])
            #expect(partial.headers[.contentRange] == "bytes 10-19/1000")
            let suffix = try await client.send(.get, "/media/media/5/640.webp", headers: [.range: "bytes=-5"])
            #expect(Data(suffix.body.readableBytesView) == bytes[995..<1000])

            let outside = try await client.send(.get, "/media/media/5/640.webp", headers: [.range: "bytes=5000-"])
            #expect(outside.status == .rangeNotSatisfiable)
            #expect(outside.headers[.contentRange] == "bytes */1000")
        }
    }

    @Test("HEAD answers GET's status and headers without a body, errors included")
    func head() async throws {
        let fixture = try await HTTPFixture.make(migrate: false)
        let bytes = Data((0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 3) })
        let info = try fixture.store.put(try ObjectKey("media/6/150.jpg"), data: bytes)
        try await fixture.test { client in
            let get = try await client.send(.get, "/media/media/6/150.jpg")
            let head = try await client.send(.head, "/media/media/6/150.jpg")
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
            #expect(head.headers[.contentLength] == "\(bytes.count)")
            #expect(head.headers[.eTag] == "\"\(info.etag)\"")
            for field in [HTTPField.Name.contentType, .eTag, .cacheControl, .acceptRanges, .contentLength] {
                #expect(head.headers[field] == get.headers[field], "\(field)")
            }
            let partial = try await client.send(.head, "/media/media/6/150.jpg", headers: [.range: "bytes=100-"])
            #expect(partial.status == .partialContent)
            #expect(partial.headers[.contentRange] == "bytes 100-2999/3000")
            #expect(partial.headers[.contentLength] == "2900")
            #expect(partial.body.readableBytes == 0)
            let cached = try await client.send(.head, "/media/media/6/150.jpg", headers: [.ifNoneMatch: "\"\(info.etag)\""])
            #expect(cached.status == .notModified)
            let missing = try await client.send(.head, "/media/media/6/missing.jpg")
            #expect(missing.status == .notFound)
            #expect(missing.body.readableBytes == 0)
            let outside = try await client.send(.head, "/media/media/6/150.jpg", headers: [.range: "bytes=9000-"])
            #expect(outside.status == .rangeNotSatisfiable)
            #expect(outside.headers[.contentRange] == "bytes */3000")
            #expect(outside.body.readableBytes == 0)
        }
    }

    @Test("objects larger than one chunk stream whole and in ranges across chunk edges")
    func large() async throws {
        let fixture = try await HTTPFixture.make(migrate: false)
        let bytes = Data((0..<(2_500_000)).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ $0 >> 11) })
        try fixture.store.put(try ObjectKey("media/9/720.mp4"), data: bytes)
        try await fixture.test { client in
            let full = try await client.send(.get, "/media/media/9/720.mp4")
            #expect(full.status == .ok)
            #expect(full.headers[.contentType] == "video/mp4")
            #expect(Data(full.body.readableBytesView) == bytes)
            let across = try await client.send(.get, "/media/media/9/720.mp4", headers: [.range: "bytes=1048000-2097999"])
            #expect(across.status == .partialContent)
            #expect(Data(across.body.readableBytesView) == bytes[1_048_000..<2_098_000])
        }
    }

    @Test("unknown keys and traversal attempts are 404", arguments: [
        "/media/media/5/missing.jpg", "/media/../etc/passwd", "/media/media/%2e%2e/%2e%2e/etc/passwd",
        "/media/media/5/..%2f..%2fsecret", "/media/.tmp-upload",
    ])
    func notFound(path: String) async throws {
        let fixture = try await HTTPFixture.make()
        try "secret".write(toFile: (fixture.store.localRoot ?? "") + "/../secret", atomically: true, encoding: .utf8)
        try await fixture.test { client in
            let response = try await client.send(.get, path)
            #expect(response.status == .notFound)
            #expect(!response.text.contains("secret"))
            #expect(!response.text.contains((fixture.store.localRoot ?? "")))
        }
    }
}
