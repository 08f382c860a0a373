import Foundation
import Testing

/// `mediadaemon verify` against the repository's golden fixtures, and against a tampered copy.
@Suite("verify command")
struct VerifyCommandTests {
    /// The repository root (this file is Tests/MediaDaemonTests/VerifyCommandTests.swift).
    private static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func repositoryFixturesMatchTheirExpectations() async throws {
        let result = try await DaemonProcess.run(["verify", "fixtures/"], directory: Self.repository)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("0 mismatch"), "\(result.stdout)")
        #expect(!result.stdout.contains("FAIL"), "\(result.stdout)")
    }

    @Test func aTamperedWidthFailsWithItsFieldAndUpdateRestoresIt() async throws {
        let copy = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("md-verify-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: copy) }
        let fixtures = copy.appendingPathComponent("fixtures")
        try FileManager.default.createDirectory(at: fixtures, withIntermediateDirectories: true)
        let source = Self.repository.appendingPathComponent("fixtures")
        for folder in ["inputs", "expected"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(folder), to: fixtures.appendingPathComponent(folder))
        }

        // Make the expected 640 JPEG of the orientation-6 photo one pixel wider.
        let expectation = fixtures.appendingPathComponent("expected/orient-6.jpg.json")
        let original = try Data(contentsOf: expectation)
        var manifest = try #require(try JSONSerialization.jsonObject(with: original) as? [String: Any])
        var renditions = try #require(manifest["renditions"] as? [[String: Any]])
        let index = try #require(renditions.firstIndex { $0["path"] as? String == "640.jpg" })
        let width = try #require(renditions[index]["width"] as? Int)
        renditions[index]["width"] = width + 1
        manifest["renditions"] = renditions
        try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]).write(to: expectation)

        let tampered = try await DaemonProcess.run(["verify", "fixtures"], directory: copy)
        #expect(tampered.status == 1, "\(tampered.stdout)\n\(tampered.stderr)")
        #expect(tampered.stdout.contains("FAIL     orient-6.jpg"), "\(tampered.stdout)")
        #expect(
            tampered.stdout.contains("renditions[640.jpg].width: expected \(width + 1), got \(width)"), "\(tampered.stdout)")
        #expect(tampered.stdout.contains("1 mismatch"), "\(tampered.stdout)")

        let update = try await DaemonProcess.run(["verify", "fixtures", "--update"], directory: copy)
        #expect(update.status == 0, "\(update.stdout)\n\(update.stderr)")
        #expect(update.stdout.contains("updated  orient-6.jpg"), "\(update.stdout)")
        #expect(try Data(contentsOf: expectation) == original)

        let again = try await DaemonProcess.run(["verify", "fixtures"], directory: copy)
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
    }

    @Test func aMissingInputExitsTwo() async throws {
        let copy = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("md-verify-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: copy) }
        let source = Self.repository.appendingPathComponent("fixtures")
        for folder in ["inputs", "expected"] {
            try FileManager.default.createDirectory(at: copy.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        for name in ["orient-3.jpg", "truncated.jpg"] {
            try FileManager.default.copyItem(
                at: source.appendingPathComponent("expected/\(name).json"), to: copy.appendingPathComponent("expected/\(name).json"))
        }
        try FileManager.default.copyItem(
            at: source.appendingPathComponent("inputs/truncated.jpg"), to: copy.appendingPathComponent("inputs/truncated.jpg"))

        let result = try await DaemonProcess.run(["verify", copy.path], directory: copy)
        #expect(result.status == 2, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stderr.contains("orient-3.jpg"), "\(result.stderr)")
        #expect(result.stdout.contains("ok       truncated.jpg"), "\(result.stdout)")
    }
}
