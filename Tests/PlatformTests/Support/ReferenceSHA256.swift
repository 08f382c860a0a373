import Foundation
import Testing

/// SHA-256 computed outside the code under test: coreutils' `sha256sum` run as a process, so
/// a digest the store or hasher reports is checked against an independent implementation.
enum ReferenceSHA256 {
    /// The lowercase hex SHA-256 of `bytes`, from `sha256sum`.
    static func hex(_ bytes: some Collection<UInt8>) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sha256sum-\(UUID().uuidString)")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "sha256sum failed")
        return String(text.prefix { $0 != " " })
    }
}
