import ArgumentParser
import Foundation

/// `mediadaemon hash`: print perceptual and exact hashes of local files.
struct HashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash",
        abstract: "Print {sha256, pdq, pdq_quality, phash} per input (videos add per-second frame hashes).",
        discussion: "One JSON object per line with \"source\" added. Exit status as for process."
    )

    @Option(help: "Inputs hashed at once (default: number of cores).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Argument(help: "Input files.")
    var inputs: [String]

    func validate() throws {
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        guard !inputs.isEmpty else { throw ValidationError("give at least one input file") }
    }

    func run() throws {
        let presets = MediaJob.Presets()
        let status = LocalRunner(workers: workers).run(inputs) { _, path in
            try MediaJob(input: URL(fileURLWithPath: path)).hash(presets: presets)
        }
        if status != 0 { throw ExitCode(status) }
    }
}
