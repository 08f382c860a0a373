import ArgumentParser
import Foundation
@_spi(Benchmarks) import Thumbnail

/// `mediadaemon bench hash`: photo hash time per image, from the decoded image the pipeline
/// holds, split into its parts; one JSON line per input and a mean line last.
struct BenchHashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash", abstract: "PDQ + pHash thread-CPU ms per image (mean of --reps runs), with the parts.")

    @Option(help: "Runs per image (after one warm-up run).")
    var reps = 20

    @Option(help: "Photo preset file (default: the built-in photo preset).")
    var preset: String?

    @Argument(help: "Image files.")
    var inputs: [String]

    func validate() throws {
        guard reps >= 1 else { throw ValidationError("--reps must be at least 1") }
        guard !inputs.isEmpty else { throw ValidationError("give at least one image") }
    }

    func run() throws {
        LibvipsThreads.onePerImage(whenWorkers: ProcessInfo.processInfo.activeProcessorCount)
        let pipeline = try PhotoPipeline(preset: preset.map { try PhotoPreset.load(contentsOf: URL(fileURLWithPath: $0)) } ?? .photo)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var results: [HashBenchmark] = []
        for input in inputs {
            do {
                let url = URL(fileURLWithPath: input)
                let result = HashBenchmark(source: url.path, try pipeline.hashTimings(input: url, repetitions: reps))
                results.append(result)
                print(String(decoding: try encoder.encode(result), as: UTF8.self))
            } catch {
                FileHandle.standardError.write(Data("bench hash: \(input): \(error)\n".utf8))
            }
        }
        guard !results.isEmpty else { throw ExitCode(2) }
        func mean(_ value: (HashBenchmark) -> Double) -> Double {
            (results.map(value).reduce(0, +) / Double(results.count) * 1000).rounded() / 1000
        }
        let summary = HashBenchmark(
            source: "mean of \(results.count)", width: 0, height: 0, hashesMs: mean(\.hashesMs),
            planesMs: mean(\.planesMs), pdqMs: mean(\.pdqMs), phashMs: mean(\.phashMs))
        print(String(decoding: try encoder.encode(summary), as: UTF8.self))
    }
}
