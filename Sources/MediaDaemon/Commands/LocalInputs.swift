import ArgumentParser
import Foundation

/// The input files of `process` and `hash`, and how many run at once.
struct LocalInputs: ParsableArguments {
    @Option(help: "Inputs processed at once (default: number of cores).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Argument(help: "Input files.")
    var inputs: [String]

    func validate() throws {
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        guard !inputs.isEmpty else { throw ValidationError("give at least one input file") }
    }
}
