import Foundation

/// The golden-fixture layout `verify` reads: `inputs/<name>` and `expected/<name>.json` under
/// one root (the repository's `fixtures/`, made by `fixtures/make-fixtures.sh`).
///
/// Problems with the layout itself (no `inputs/`, an unreadable input or expectation) are
/// `MediaFailure` bad input, so `verify` exits 2 for them rather than 1 (a mismatch).
struct FixtureDirectory: Sendable {
    let root: URL

    var inputs: URL { root.appendingPathComponent("inputs", isDirectory: true) }
    var expected: URL { root.appendingPathComponent("expected", isDirectory: true) }

    /// The input file names, sorted; hidden files are skipped.
    func inputNames() throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: inputs.path)
        } catch {
            throw MediaFailure.badInput(code: "unreadable", message: "no fixture inputs at \(inputs.path)")
        }
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    /// The path of an input, after checking it is a readable regular file.
    func input(named name: String) throws -> URL {
        let url = inputs.appendingPathComponent(name)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
            FileManager.default.isReadableFile(atPath: url.path)
        else {
            throw MediaFailure.badInput(code: "unreadable", message: "cannot read fixture input \(url.path)")
        }
        return url
    }

    func expectationURL(for name: String) -> URL {
        expected.appendingPathComponent("\(name).json")
    }

    /// Expectation files whose input no longer exists (`<name>.json` without `inputs/<name>`).
    func staleExpectations(inputNames: [String]) -> [String] {
        let known = Set(inputNames)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: expected.path)) ?? []
        return files.filter { $0.hasSuffix(".json") && !known.contains(String($0.dropLast(5))) }.sorted()
    }

    /// The stored expectation for an input; nil when there is none yet.
    func expectation(for name: String) throws -> ManifestValue? {
        let url = expectationURL(for: name)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            return try ManifestValue.parse(Data(contentsOf: url))
        } catch {
            throw MediaFailure.badInput(code: "unreadable", message: "cannot parse \(url.path): \(error)")
        }
    }

    /// Writes an expectation as pretty JSON with sorted keys; true when the file changed.
    @discardableResult
    func write(_ value: ManifestValue, for name: String) throws -> Bool {
        let url = expectationURL(for: name)
        let data = try value.prettyJSON()
        if FileManager.default.contents(atPath: url.path) == data { return false }
        try FileManager.default.createDirectory(at: expected, withIntermediateDirectories: true)
        try data.write(to: url, options: .atomic)
        return true
    }

    /// Deletes an expectation file (`--update` drops those whose input is gone).
    func removeExpectation(file: String) throws {
        try FileManager.default.removeItem(at: expected.appendingPathComponent(file))
    }
}
