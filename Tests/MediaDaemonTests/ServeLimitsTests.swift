import ArgumentParser
import Foundation
import Platform
import Testing

@testable import MediaDaemon

/// The upload byte limits come from the presets, so the HTTP upload refuses what the
/// pipeline would refuse.
@Suite("serve limits")
struct ServeLimitsTests {
    /// `limits.max_bytes` of a preset file, read here without the code under test.
    static func maxBytes(_ path: String) throws -> Int64 {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let limits = try #require(object["limits"] as? [String: Any])
        return try #require((limits["max_bytes"] as? NSNumber)?.int64Value)
    }

    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    @Test func theHTTPUploadLimitsAreThoseOfTheBuiltInPresets() throws {
        let settings = try ServeCommand.parse(["--data", "/tmp/unused"]).settings(environment: EnvironmentValues([:]))
        #expect(settings.http.maximumPhotoBytes == (try Self.maxBytes(Self.repository + "/jobs/photo.json")))
        #expect(settings.http.maximumVideoBytes == (try Self.maxBytes(Self.repository + "/jobs/video.json")))
    }

    @Test func aPresetDirectorySetsTheHTTPUploadLimits() throws {
        let directory = NSTemporaryDirectory() + "md-limits-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var photo = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.repository + "/jobs/photo.json")))
                as? [String: Any])
        var limits = try #require(photo["limits"] as? [String: Any])
        limits["max_bytes"] = 123_456
        photo["limits"] = limits
        try JSONSerialization.data(withJSONObject: photo).write(to: URL(fileURLWithPath: directory + "/photo.json"))
        let settings = try ServeCommand.parse(["--data", "/tmp/unused", "--presets", directory])
            .settings(environment: EnvironmentValues([:]))
        #expect(settings.http.maximumPhotoBytes == 123_456)
    }

    @Test func timeoutAndConnectionFlagsReachTheHTTPConfiguration() throws {
        let settings = try ServeCommand.parse([
            "--data", "/tmp/unused", "--header-timeout", "2.5", "--body-timeout", "7", "--max-connections", "9",
        ]).settings(environment: EnvironmentValues(["MEDIADAEMON_IDLE_TIMEOUT": "11"]))
        #expect(settings.http.timeouts.header == .milliseconds(2500))
        #expect(settings.http.timeouts.body == .seconds(7))
        #expect(settings.http.timeouts.idle == .seconds(11))
        #expect(settings.http.maximumConnections == 9)
    }
}
