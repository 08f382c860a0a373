import Testing

@testable import Platform

@Suite("Store keys")
struct StoreKeyTests {
    @Test(arguments: [
        "../x", "/etc/passwd", "a/../../b", "a\0b", "a\nb", "a/./b", "..", ".", "", "a//b", "a/", "/",
        "a\\b", "a\tb", "a\u{7F}b", "media/.tmp-123", String(repeating: "x", count: 256),
        String(repeating: "ab/", count: 400) + "c",
    ])
    func unsafeKeysAreRefused(_ text: String) {
        #expect(throws: StoreError.self) { try ObjectKey(text) }
        do {
            _ = try ObjectKey(text)
        } catch {
            #expect(error.code == .invalidKey)
            #expect(error.description.contains("invalid_key"))
        }
    }

    @Test(arguments: ["a", "media/42/640.webp", "originals/ab/abc", "hls/720p/seg-00001.m4s", "ünï/🌍.jpg", "a b/c..d", ".hidden"])
    func safeKeysAreAccepted(_ text: String) throws {
        #expect(try ObjectKey(text).rawValue == text)
    }

    @Test func originalsAreContentAddressed() throws {
        let digest = "AB" + String(repeating: "0", count: 62)
        let key = try ObjectKey.original(sha256: digest)
        #expect(key.rawValue == "originals/ab/ab" + String(repeating: "0", count: 62))
        #expect(throws: StoreError.self) { try ObjectKey.original(sha256: "../etc") }
        #expect(throws: StoreError.self) { try ObjectKey.original(sha256: String(repeating: "g", count: 64)) }
    }

    @Test func renditionsLiveUnderTheMediaIDAndPresetVersion() throws {
        let prefix = ObjectKey.renditionPrefix(mediaID: 42, presetName: "video", presetVersion: 3)
        #expect(prefix == "media/42/video-v3")
        let key = try ObjectKey.rendition(mediaID: 42, storePrefix: prefix, path: "hls/720p/index.m3u8")
        #expect(key.rawValue == "media/42/video-v3/hls/720p/index.m3u8")
        #expect(ObjectKey.renditionKeyText(mediaID: 42, storePrefix: "media/42/video-v3/", path: "640.webp") == "media/42/video-v3/640.webp")
        // A manifest recording no folder: its paths are relative to the media's prefix.
        #expect(ObjectKey.renditionKeyText(mediaID: 42, storePrefix: nil, path: "640.webp") == "media/42/640.webp")
        #expect(ObjectKey.renditionKeyText(mediaID: 42, storePrefix: "", path: "640.webp") == "media/42/640.webp")
        #expect(throws: StoreError.self) { try ObjectKey.rendition(mediaID: 42, storePrefix: prefix, path: "../../43/640.webp") }
    }

    @Test func contentTypesFollowTheExtension() throws {
        let expected = [
            "a.jpg": "image/jpeg", "a.WEBP": "image/webp", "a.png": "image/png", "a.gif": "image/gif",
            "a.heic": "image/heic", "a.avif": "image/avif", "a.mp4": "video/mp4",
            "a.m3u8": "application/vnd.apple.mpegurl", "a.m4s": "video/iso.segment", "a.ts": "video/mp2t",
            "a.json": "application/json", "a.bin": "application/octet-stream", "noext": "application/octet-stream",
            ".jpg": "application/octet-stream",
        ]
        for (key, type) in expected { #expect(ObjectInfo.contentType(for: try ObjectKey(key)) == type, "\(key)") }
    }

    @Test func rangesResolveLikeHTTP() throws {
        #expect(try ByteRange.closed(first: 0, last: 9).resolve(size: 100) == 0..<10)
        #expect(try ByteRange.closed(first: 90, last: 200).resolve(size: 100) == 90..<100)
        #expect(try ByteRange.from(99).resolve(size: 100) == 99..<100)
        #expect(try ByteRange.suffix(10).resolve(size: 100) == 90..<100)
        #expect(try ByteRange.suffix(500).resolve(size: 100) == 0..<100)
        for range: ByteRange in [.closed(first: 100, last: 120), .closed(first: 5, last: 4), .from(100), .suffix(0), .from(-1)] {
            #expect(throws: StoreError.self) { try range.resolve(size: 100) }
        }
        #expect(throws: StoreError.self) { try ByteRange.suffix(1).resolve(size: 0) }
    }

    @Test func streamingHasherAgreesWithSha256sum() throws {
        var generator = SystemRandomNumberGenerator()
        // Around the 64-byte block and its 56-byte padding boundary, and over many blocks.
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 128, 1000, 70_001] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let expected = try ReferenceSHA256.hex(bytes)
            #expect(SHA256Hasher.hex(bytes) == expected, "length \(length)")
            var chunked = SHA256Hasher()
            var offset = 0
            while offset < length {
                let end = min(length, offset + Int.random(in: 1...150, using: &generator))
                bytes[offset..<end].withUnsafeBytes { chunked.update($0) }
                offset = end
            }
            #expect(chunked.finalizeHex() == expected, "chunked, length \(length)")
        }
    }
}
