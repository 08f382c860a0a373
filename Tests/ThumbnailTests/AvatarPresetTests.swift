import Foundation
import Testing
@testable import Thumbnail

@Suite("avatar preset")
struct AvatarPresetTests {
    @Test("an EXIF-rotated photo becomes 320 and 150 squares in JPEG and WebP with no metadata")
    func squares() throws {
        // 800×500 stored, orientation 6: 500×800 upright, so a centre square crop of a portrait.
        let input = try TestImages.jpeg(width: 800, height: 500, orientation: 6)
        #expect(input.range(of: Data("Exif".utf8)) != nil, "the input carries EXIF")
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("avatar-" + UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let source = directory.appendingPathComponent("in.jpg")
        try input.write(to: source)
        let output = directory.appendingPathComponent("out")
        let manifest = try PhotoPipeline(preset: .avatar).process(input: source, outputDirectory: output)
        #expect(Set(manifest.renditions.map(\.path)) == ["320.jpg", "320.webp", "150.jpg", "150.webp"])
        #expect(manifest.hashes?.pdqDihedral?.count == 8, "hashed for the hash list")
        for rendition in manifest.renditions {
            let side = rendition.name == "320" ? 320 : 150
            #expect(rendition.width == side && rendition.height == side, "\(rendition.path)")
            let bytes = try Data(contentsOf: output.appendingPathComponent(rendition.path))
            #expect(bytes.range(of: Data("Exif".utf8)) == nil, "\(rendition.path) has no EXIF")
            #expect(bytes.range(of: Data("EXIF".utf8)) == nil, "\(rendition.path) has no EXIF chunk")
            #expect(bytes.range(of: Data("http://ns.adobe.com/xap".utf8)) == nil, "\(rendition.path) has no XMP")
        }
    }

    @Test("hashing does not change the avatar renditions' bytes")
    func hashingLeavesRenditionsAlone() throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("avatar-" + UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let source = directory.appendingPathComponent("in.jpg")
        try TestImages.jpeg(width: 640, height: 480, orientation: 1).write(to: source)
        var unhashed = PhotoPreset.avatar
        unhashed.hashes = false
        let hashedOut = directory.appendingPathComponent("hashed")
        let plainOut = directory.appendingPathComponent("plain")
        let hashed = try PhotoPipeline(preset: .avatar).process(input: source, outputDirectory: hashedOut)
        let plain = try PhotoPipeline(preset: unhashed).process(input: source, outputDirectory: plainOut)
        #expect(hashed.hashes != nil && plain.hashes == nil)
        #expect(hashed.renditions.map(\.path) == plain.renditions.map(\.path))
        for rendition in hashed.renditions {
            let a = try Data(contentsOf: hashedOut.appendingPathComponent(rendition.path))
            let b = try Data(contentsOf: plainOut.appendingPathComponent(rendition.path))
            #expect(!a.isEmpty && a == b, "\(rendition.path)")
        }
    }
}
