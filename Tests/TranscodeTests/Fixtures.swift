import Foundation
import Testing

/// Test media: clips generated once per test run by `fixtures/make-videos.sh` into a temp dir.
enum Fixtures {
    /// The repository root, found from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shared corpus (`../shared/corpus/video` next to the repository), if present.
    static var corpus: URL? {
        let url = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/video")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    private static let generated: Result<URL, any Error> = Result {
        let directory = try temporaryDirectory(named: "fixtures")
        let script = repositoryRoot.appendingPathComponent("fixtures/make-videos.sh")
        let status = try run("/bin/sh", [script.path, directory.path])
        guard status == 0 else { throw FixtureError(message: "make-videos.sh exited with \(status)") }
        return directory
    }

    /// A generated clip by file name (e.g. `landscape-audio.mp4`).
    static func clip(_ name: String) throws -> URL {
        try generated.get().appendingPathComponent(name)
    }

    /// A fresh empty directory under the system temp directory.
    static func temporaryDirectory(named name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("transcode-tests-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs a program to completion; returns its exit status.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
        try capture(executable, arguments).status
    }

    /// Runs a program to completion, collecting standard output (read before waiting, so a
    /// full pipe cannot deadlock the child).
    static func capture(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: Data) {
        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
