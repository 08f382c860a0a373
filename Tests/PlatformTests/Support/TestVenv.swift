import Foundation

/// The Python venv with the tests' PyPI packages (`scripts/setup --tests` makes it; the path
/// is the one `scripts/test-venv` prints) and the repository's helper scripts.
enum TestVenv {
    /// `$MEDIADAEMON_TEST_VENV`, else `${XDG_CACHE_HOME:-$HOME/.cache}/mediadaemon/test-venv`.
    static var path: String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["MEDIADAEMON_TEST_VENV"], !path.isEmpty { return path }
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((environment["HOME"] ?? "/root") + "/.cache")
        return cache + "/mediadaemon/test-venv"
    }

    static var python: String { path + "/bin/python" }

    /// True when the venv holds the Python package `module` (a folder in its site-packages).
    static func has(_ module: String) -> Bool {
        let lib = path + "/lib"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: lib)) ?? []
        return versions.contains { FileManager.default.fileExists(atPath: "\(lib)/\($0)/site-packages/\(module)") }
    }

    /// The repository's root (this file is Tests/PlatformTests/Support/TestVenv.swift).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
}
