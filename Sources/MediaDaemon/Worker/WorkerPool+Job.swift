import CDispatch  // `struct stat` is attributed to CDispatch under MemberImportVisibility
import Foundation
import Glibc
import WorkerWire

extension WorkerPool {
    /// Runs the pipeline of `kind` (`photo` or `video`) on the file at `input` in a child: hands
    /// over the open file and a new folder (in the child's own, moved to `scratch` when it
    /// answers: see `run`), under the watchdog this pool's configuration gives the kind, the
    /// file's size and `presets`.
    ///
    /// Returns the child's reply. Throws `WorkerCrash` when the child died or the watchdog
    /// killed it, the context's cancellation, or an internal `MediaFailure` when the input
    /// cannot be opened here.
    func process(
        kind: String, input: URL, into scratch: URL, presets: MediaJob.Presets, context: some WorkerJobContext
    ) throws -> WorkerProcess.Reply {
        let file = open(input.path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard file >= 0 else {
            throw MediaFailure.internalError("cannot open the original \(input.path): \(String(cString: strerror(errno)))")
        }
        defer { close(file) }
        // The size the budget grows with is the parent's own fact, taken from the descriptor it hands over.
        var info = stat()
        let bytes = fstat(file, &info) == 0 ? Int64(info.st_size) : 0
        let job = WorkerJob(kind: kind, photoPreset: presets.photo, videoPreset: presets.video, scratchDirectory: scratch.path)
        return try run(
            job, input: file, in: scratch, context: context,
            watchdog: configuration.watchdog(kind: kind, inputBytes: bytes, presets: presets))
    }
}
