import ArgumentParser
import Foundation

/// `mediadaemon hash`: print perceptual and exact hashes of local files.
struct HashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash",
        abstract: "Print {sha256, pdq, pdq_quality, phash} per input (videos add per-second frame hashes).",
        discussion: "One JSON object per line with \"source\" added. Exit status as for process."
    )

    @OptionGroup var local: LocalInputs

    func run() throws {
        let presets = MediaJob.Presets()
        let status = LocalRunner(workers: local.workers).run(local.inputs) { _, path in
            try MediaJob(input: URL(fileURLWithPath: path)).hash(presets: presets)
        }
        if status != 0 { throw ExitCode(status) }
    }
}
