import Dispatch
import Foundation
import Glibc
import Synchronization
import Thumbnail
import Transcode
import WorkerWire

/// A worker child's life (`mediadaemon worker`): receive a job, run its pipeline into the
/// scratch directory, answer with the manifest or a sorted failure, wait for the next one.
///
/// The child holds no database connection and no credentials; it reads only the input it was
/// handed and writes only the scratch directory. It exits when the parent's end closes.
struct WorkerLoop {
    let channel: WorkerChannel
    let fault: WorkerFault?
    let sandbox: WorkerSandbox

    /// Jobs from the reading thread to the processing thread, and the current job's cancel flag.
    private final class Mailbox: Sendable {
        let jobs = Mutex<[(WorkerJob, Int32)]>([])
        let arrived = DispatchSemaphore(value: 0)
        let cancelled = Atomic<Bool>(false)
    }

    func run() -> Never {
        do {
            try sandbox.enter()
            try sandbox.lockDown()
            try channel.send(.ready)
        } catch {
            // Never ready: the parent treats it as a failed start, not as a job's crash.
            FileHandle.standardError.write(Data("mediadaemon worker: \(error)\n".utf8))
            exit(70)
        }
        let mailbox = Mailbox()
        let channel = self.channel
        // Reads while a job runs, so a cancel reaches the pipeline's isCancelled checks.
        let reader = Thread {
            while true {
                switch try? channel.receive() {
                case .message(.job(let job), let descriptor?)?:
                    mailbox.cancelled.store(false, ordering: .sequentiallyConsistent)
                    mailbox.jobs.withLock { $0.append((job, descriptor)) }
                    mailbox.arrived.signal()
                case .message(.cancel, _)?:
                    mailbox.cancelled.store(true, ordering: .sequentiallyConsistent)
                default:
                    // The parent closed its end, or broke the protocol: nothing more to do.
                    exit(0)
                }
            }
        }
        reader.start()
        while true {
            mailbox.arrived.wait()
            guard let (job, input) = mailbox.jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
            let reply = process(job, input: input) { mailbox.cancelled.load(ordering: .sequentiallyConsistent) }
            close(input)
            do { try channel.send(reply) } catch { exit(0) }
        }
    }

    private func process(_ job: WorkerJob, input: Int32, isCancelled: @escaping @Sendable () -> Bool) -> WorkerMessage {
        let output = URL(fileURLWithPath: job.scratchDirectory)
        do {
            // The pipelines open by path. Reopening the handed-over descriptor through
            // /proc/self/fd would check the original's own path, which Landlock closes (and a
            // different uid may not read): the child copies it into its scratch folder instead.
            let path = try Self.copy(input, into: job.scratchDirectory + "/.input")
            defer { unlink(path) }
            let inputURL = URL(fileURLWithPath: path)
            try channel.send(.progress(fraction: 0, stage: "decoding"))
            try fault?.commit(forInputAt: path)
            switch job.kind {
            case "photo":
                let manifest = try PhotoPipeline(preset: job.photoPreset)
                    .process(input: inputURL, outputDirectory: output, isCancelled: isCancelled)
                return .result(manifest: try JSONEncoder().encode(manifest), pdqDihedral: manifest.hashes?.pdqDihedral)
            case "video":
                let manifest = try VideoPipeline(preset: job.videoPreset, posterPreset: job.photoPreset)
                    .process(input: inputURL, outputDirectory: output, isCancelled: isCancelled)
                return .result(manifest: try JSONEncoder().encode(manifest), pdqDihedral: nil)
            default:
                throw MediaFailure.badInput(code: "unsupported_kind", message: "media kind \(job.kind) is not photo or video")
            }
        } catch {
            return .failure(WorkerFailure(MediaFailure(error)))
        }
    }

    /// Copies the whole file behind `input` (from its start) to a new file at `path`.
    ///
    /// In-kernel (sendfile), from the page cache: 30 photos of 25 MB in all took 8 ms of CPU,
    /// against about 21 s to process them, so neither a hard link made by the parent nor
    /// reading the descriptor in the pipelines is worth its complexity for photos. A video is
    /// written once more to the scratch disk (about its size in I/O and space for the job).
    private static func copy(_ input: Int32, into path: String) throws -> String {
        let output = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard output >= 0 else {
            throw MediaFailure.internalError("cannot create the input copy \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(output) }
        var offset: off_t = 0
        while true {
            let sent = sendfile(output, input, &offset, 1 << 20)
            if sent == 0 { return path }
            if sent < 0, errno == EINTR { continue }
            guard sent > 0 else {
                throw MediaFailure.internalError("copying the input failed: \(String(cString: strerror(errno)))")
            }
        }
    }
}
