import ArgumentParser
import Foundation
import Metrics
import Synchronization

/// `mediadaemon process`: run the pipeline on local files, without a database.
struct ProcessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Process photos and videos into renditions and print one manifest (JSON) per line.",
        discussion: """
            With one input the outputs go into DIR; with several, into DIR/<input name>/. Each \
            printed line is the manifest with "source" (the input path) added, or an error object. \
            Exit status: 0 all processed, 2 some input was bad or over a limit, 1 internal failure, \
            64 a preset the encoders refuse (nothing is processed).
            """
    )

    @Option(help: "Preset file (photo or video, see jobs/); the built-in defaults otherwise.")
    var preset: [String] = []

    @OptionGroup var local: LocalInputs

    @Flag(help: "Print each photo's per-stage milliseconds (decode, renditions, hashes, SHA-256) to stderr, one JSON line per input.")
    var timings = false

    @Option(name: .customLong("out"), help: "Output directory.")
    var outputDirectory: String

    @Flag(help: "Run each file in a sandboxed worker process, as serve does: a decoder that crashes or hangs fails that file alone (worker_crashed, timed_out, stalled).")
    var isolated = false

    func validate() throws {
        if isolated && timings { throw ValidationError("--timings measures the in-process run; drop --isolated") }
    }

    func run() throws {
        let (workers, inputs) = (local.workers, local.inputs)
        var loaded = MediaJob.Presets()
        do {
            var videoFile = false
            for path in preset {
                if try loaded.load(path) == .video { videoFile = true }
            }
            // Only a loaded video preset can name options the encoders refuse: the built-in
            // presets are held to jobs/ and to the encoders by PresetTests. A photo preset
            // opens no encoder (opening the ladder's would cost every photo run its start-up).
            if videoFile { try loaded.check() }
        } catch {
            let failure = MediaFailure(error)
            FileHandle.standardOutput.write(failure.json(source: preset.joined(separator: ",")) + Data("\n".utf8))
            throw ExitCode(failure.exitCode)
        }
        let presets = loaded
        LibvipsThreads.onePerImage(whenWorkers: workers)
        HeapRetention.keepImageBuffers()
        let root = URL(fileURLWithPath: outputDirectory)
        let single = inputs.count == 1
        let names = OutputNames(inputs)
        let timings = self.timings
        let status: Int32
        if isolated {
            var configuration = WorkerPool.Configuration.current(
                testFault: ProcessInfo.processInfo.environment["MEDIADAEMON_TEST_FAULT"])
            // Sandboxed as serve's: as nobody when run as root, Landlock on each child's folder in
            // the scratch folder (which the worker account must be able to traverse).
            configuration.user = try WorkerUser.forChildren(named: "nobody")
            let scratch = try WorkerScratch.make()
            try configuration.user?.own(scratch.path)
            configuration.scratchRoot = scratch.path
            let pool = WorkerPool(configuration: configuration, metrics: NOOPMetricsHandler.instance)
            defer {
                pool.shutdown()
                try? FileManager.default.removeItem(at: scratch)
            }
            status = LocalRunner(workers: workers).run(inputs) { index, path in
                let directory = single ? root : root.appendingPathComponent(names[index])
                return try pool.processFile(
                    URL(fileURLWithPath: path), into: directory, scratch: scratch.appendingPathComponent("job-\(index)"),
                    presets: presets)
            }
        } else {
            status = LocalRunner(workers: workers).run(inputs) { index, path in
                let directory = single ? root : root.appendingPathComponent(names[index])
                return try MediaJob(input: URL(fileURLWithPath: path)).process(into: directory, presets: presets, timings: timings)
            }
        }
        if status != 0 { throw ExitCode(status) }
    }
}

/// Per-input output folder names: the file name, made unique when two inputs share one.
struct OutputNames {
    private var names: [String] = []

    init(_ inputs: [String]) {
        var seen: [String: Int] = [:]
        for path in inputs {
            let base = URL(fileURLWithPath: path).lastPathComponent
            let count = seen[base, default: 0]
            seen[base] = count + 1
            names.append(count == 0 ? base : "\(base)-\(count + 1)")
        }
    }

    subscript(index: Int) -> String { names[index] }
}
