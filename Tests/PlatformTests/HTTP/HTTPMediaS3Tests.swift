import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

@testable import Platform

/// `/media/` over an S3 store (moto): proxied with the same ETag, 304 and ranges as the
/// file-system store, or a 302 to a presigned URL of the object.
@Suite("HTTP media serving from S3", .enabled(if: MotoServer.available, "moto is not in the test venv (scripts/setup --tests)"))
struct HTTPMediaS3Tests {
    static func store() async throws -> ObjectStore {
        let server = try await MotoServer.shared()
        return ObjectStore(.s3(S3Store(try server.configuration())))
    }

    @Test func proxiesWithETagAndRanges() async throws {
        let fixture = try await HTTPFixture.make(migrate: false, store: try await Self.store())
        let bytes = Data((0..<1000).map { UInt8(truncatingIfNeeded: $0 * 3) })
        try fixture.store.put(try ObjectKey("media/5/640.webp"), data: bytes)
        try await fixture.test { client in
            let full = try await client.send(.get, "/media/media/5/640.webp")
            #expect(full.status == .ok)
            #expect(Data(full.body.readableBytesView) == bytes)
            let etag = try #require(full.headers[.eTag])
            #expect(etag == "\"\(try ReferenceSHA256.hex(bytes))\"")
            let cached = try await client.send(.get, "/media/media/5/640.webp", headers: [.ifNoneMatch: etag])
            #expect(cached.status == .notModified)
            let partial = try await client.send(.get, "/media/media/5/640.webp", headers: [.range: "bytes=10-19"])
            #expect(partial.status == .partialContent)
            #expect(Data(partial.body.readableBytesView) == bytes[10..<20])
            #expect(partial.headers[.contentRange] == "bytes 10-19/1000")
            let outside = try await client.send(.get, "/media/media/5/640.webp", headers: [.range: "bytes=5000-"])
            #expect(outside.status == .rangeNotSatisfiable)
            let missing = try await client.send(.get, "/media/media/5/none.webp")
            #expect(missing.status == .notFound)
        }
    }

    @Test func redirectsToAPresignedURL() async throws {
        let fixture = try await HTTPFixture.make(migrate: false, store: try await Self.store()) { $0.mediaRedirectLifetime = .seconds(600) }
        let bytes = Data("a rendition".utf8)
        try fixture.store.put(try ObjectKey("media/8/150.jpg"), data: bytes)
        try await fixture.test { client in
            let response = try await client.send(.get, "/media/media/8/150.jpg")
            #expect(response.status == .found)
            let location = try #require(response.headers[.location])
            #expect(location.contains("X-Amz-Signature="))
            #expect(location.contains("X-Amz-Expires=600"))
            // Originals are never public, redirect or not.
            let original = try await client.send(.get, "/media/originals/ab/abcd")
            #expect(original.status == .notFound)
            // moto cannot check presigned URLs while its authentication is on (it answers 500
            // for botocore's own), so the URL is checked for what it names; its signature is
            // botocore's (S3SignerTests).
            let url = try #require(URLComponents(string: location))
            let configuration = try #require(fixture.store.s3Store?.configuration)
            #expect(url.host == configuration.endpoint.host && url.port == configuration.endpoint.port)
            #expect(url.path == "/\(configuration.bucket)/\(configuration.prefix)media/8/150.jpg")
            let query = Dictionary(uniqueKeysWithValues: (url.queryItems ?? []).map { ($0.name, $0.value ?? "") })
            #expect(query["X-Amz-Credential"]?.hasPrefix(configuration.credentials.accessKeyID + "/") == true)
            #expect(query["X-Amz-SignedHeaders"] == "host")
            #expect(query["X-Amz-Signature"]?.count == 64)
        }
    }
}
