import ArgumentParser
import Foundation
import Synchronization

/// `mediadaemon verify DIR`: run the photo and video pipelines on the golden fixtures and
/// compare each manifest with its stored expectation.
///
/// Inputs are processed with the built-in presets into a temporary directory (removed after),
/// through the same `MediaJob` as `process`. One line per fixture as it finishes (`ok` or
/// `FAIL` with one indented line per differing field), then a summary.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the pipelines' outputs against the golden fixtures (DIR/inputs, DIR/expected).",
        discussion: """
            Each DIR/inputs/NAME is processed and its manifest compared with DIR/expected/NAME.json: \
            kind, formats, rendition names and dimensions exactly; durations ±100 ms; bit rates ±30%; \
            output sizes ±25%; PDQ within 16 bits and pHash within 6 bits (Hamming); PDQ quality ±10. \
            An expected {"error": {"code": …}} means the input must fail with that code. \
            --update rewrites the expectations (sorted, pretty JSON) to review with `git diff`. \
            Regenerate the inputs with fixtures/make-fixtures.sh. \
            Exit status: 0 all match, 1 some mismatch, 2 an input or expectation missing or unreadable.
            """
    )

    @Argument(help: "Fixture directory holding inputs/ and expected/.")
    var directory: String

    @Flag(help: "Rewrite the expectations from this run instead of comparing.")
    var update = false

    @Option(help: "Inputs processed at once (default: number of cores).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
    }

    /// What became of one fixture.
    private enum Outcome: Sendable {
        case matched, mismatched, updated, unchanged, unreadable
    }

    func run() throws {
        let fixtures = FixtureDirectory(root: URL(fileURLWithPath: directory))
        let names: [String]
        var problems: [String] = []
        do {
            names = try fixtures.inputNames()
        } catch {
            Self.report(MediaFailure(error).message)
            throw ExitCode(2)
        }
        for file in fixtures.staleExpectations(inputNames: names) {
            if update {
                try fixtures.removeExpectation(file: file)
                print("removed  \(file) (its input is gone)")
            } else {
                problems.append("expected/\(file) has no input \(fixtures.inputs.appendingPathComponent(String(file.dropLast(5))).path)")
            }
        }
        guard !names.isEmpty else {
            Self.report("no fixture inputs in \(fixtures.inputs.path)")
            throw ExitCode(2)
        }

        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("mediadaemon-verify-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outcomes = Mutex<[Outcome]>([])
        let update = update
        let presets = MediaJob.Presets()
        let comparison = ManifestComparison()
        _ = LocalRunner(workers: workers).run(names) { _, name in
            let (outcome, text) = Self.check(
                name, fixtures: fixtures, scratch: scratch.appendingPathComponent(name), presets: presets,
                comparison: comparison, update: update)
            outcomes.withLock { $0.append(outcome) }
            return Data(text.utf8)
        }

        let results = outcomes.withLock { $0 }
        let count = { (outcome: Outcome) in results.filter { $0 == outcome }.count }
        for problem in problems { Self.report(problem) }
        if update {
            print("verify --update: \(count(.updated)) rewritten, \(count(.unchanged)) unchanged in \(fixtures.expected.path)")
        } else {
            print("verify: \(names.count) fixtures, \(count(.matched)) match, \(count(.mismatched)) mismatch")
        }
        if count(.unreadable) > 0 || !problems.isEmpty { throw ExitCode(2) }
        if count(.mismatched) > 0 { throw ExitCode(1) }
    }

    /// Processes one input and compares (or rewrites) its expectation; returns the printed text.
    private static func check(
        _ name: String, fixtures: FixtureDirectory, scratch: URL, presets: MediaJob.Presets,
        comparison: ManifestComparison, update: Bool
    ) -> (Outcome, String) {
        do {
            let actual = try produce(try fixtures.input(named: name), into: scratch, presets: presets)
            if update {
                let changed = try fixtures.write(storedForm(of: actual), for: name)
                return changed ? (.updated, "updated  \(name)") : (.unchanged, "same     \(name)")
            }
            guard let expected = try fixtures.expectation(for: name) else {
                return (.mismatched, "FAIL     \(name)\n         no expected/\(name).json (run verify --update and review it)")
            }
            let mismatches = comparison.mismatches(expected: expected, actual: actual)
            guard !mismatches.isEmpty else { return (.matched, "ok       \(name)") }
            return (.mismatched, (["FAIL     \(name)"] + mismatches.map { "         \($0)" }).joined(separator: "\n"))
        } catch {
            let failure = MediaFailure(error)
            return (failure.isBadInput ? .unreadable : .mismatched, "ERROR    \(name): \(failure.message)")
        }
    }

    /// The manifest of one input without the ignored members, or `{"error": {"code", "message"}}`
    /// when the pipeline refuses it (the message is dropped from stored expectations).
    private static func produce(_ input: URL, into directory: URL, presets: MediaJob.Presets) throws -> ManifestValue {
        let manifest: Data
        do {
            manifest = try MediaJob(input: input).process(into: directory, presets: presets)
        } catch {
            let failure = MediaFailure(error)
            return .object(["error": .object(["code": .string(failure.code), "message": .string(failure.message)])])
        }
        return try ManifestValue.parse(manifest).removing(keys: ManifestComparison.ignoredKeys)
    }

    /// What `--update` stores: the manifest as produced, or only the error's code (messages
    /// are for people and may be reworded without changing the outcome).
    private static func storedForm(of actual: ManifestValue) -> ManifestValue {
        guard let code = actual["error"]?["code"] else { return actual }
        return .object(["error": .object(["code": code])])
    }

    private static func report(_ message: String) {
        FileHandle.standardError.write(Data("mediadaemon verify: \(message)\n".utf8))
    }
}
