import Foundation
import HTTPTypes
import HummingbirdTesting
import Synchronization
import Testing

@testable import Platform

/// The upload accepts what the media format table accepts (the daemon hands it the table):
/// every container the video pipeline takes, and no `ftyp` without a known brand.
@Suite("HTTP upload formats")
struct HTTPFormatTests {
    /// Headers built by hand from the formats' specifications, padded to a few KB.
    static func padded(_ head: [UInt8]) -> [UInt8] { head + [UInt8](repeating: 0x11, count: 4096) }

    static let avi = padded(Array("RIFF".utf8) + [0x24, 0x10, 0, 0] + Array("AVI LIST".utf8))
    static let flv = padded(Array("FLV".utf8) + [0x01, 0x05, 0, 0, 0, 9])
    static let transportStream: [UInt8] = {
        var bytes = [UInt8](repeating: 0xFF, count: 188 * 8)
        for packet in 0..<8 { bytes[packet * 188] = 0x47 }
        return bytes
    }()
    static let webm = padded([0x1A, 0x45, 0xDF, 0xA3, 0xA3, 0x42, 0x86, 0x81])
    static let quickTime = padded([0, 0, 0, 0x14] + Array("ftypqt  \u{0}\u{0}\u{0}\u{0}qt  ".utf8))
    /// An `ftyp` naming only a brand that is neither an image nor a video brand.
    static let unknownBrand = padded([0, 0, 0, 0x14] + Array("ftypcrx \u{0}\u{0}\u{0}\u{1}crx ".utf8))
    static let heifBrandOnly = padded([0, 0, 0, 0x14] + Array("ftypmif1\u{0}\u{0}\u{0}\u{0}mif1".utf8))

    @Test("AVI, FLV, MPEG-TS, WebM and QuickTime uploads are videos", arguments: [
        avi, flv, transportStream, webm, quickTime,
    ])
    func videos(bytes: [UInt8]) async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let response = try await HTTPPostTests.upload(client, alice, HTTPPostTests.multipart(bytes))
            #expect(response.status == .created)
        }
        #expect(fixture.enqueued.processing.withLock { $0.map(\.1) } == [.video])
    }

    @Test("a HEIF brand is a photo")
    func heif() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let response = try await HTTPPostTests.upload(client, alice, HTTPPostTests.multipart(Self.heifBrandOnly))
            #expect(response.status == .created)
        }
        #expect(fixture.enqueued.processing.withLock { $0.map(\.1) } == [.photo])
    }

    @Test("an ftyp whose brands are neither image nor video brands is refused")
    func refusesUnknownBrand() async throws {
        let fixture = try await HTTPFixture.make()
        try await fixture.test { client in
            let alice = try await client.user("alice")
            let response = try await HTTPPostTests.upload(client, alice, HTTPPostTests.multipart(Self.unknownBrand))
            #expect(response.status == .badRequest)
            #expect(try response.errorCode() == "unsupported_format")
        }
        #expect(fixture.enqueued.processing.withLock { $0.isEmpty })
    }
}
