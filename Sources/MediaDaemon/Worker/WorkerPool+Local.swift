import Foundation
import Thumbnail
import Transcode
import WorkerWire

extension WorkerPool {
    /// `process --isolated`: runs the pipeline for the local file `input` in a worker child,
    /// which writes into `scratch`; copies the outputs its manifest declares into `directory`
    /// and returns the manifest's JSON (the same bytes the in-process run prints).
    ///
    /// A child that dies or that the watchdog kills fails this input alone, as bad input with
    /// code `worker_crashed`, `timed_out` or `stalled`: the child held only this job, and the
    /// CLI does not retry. `scratch` is removed afterwards.
    func processFile(_ input: URL, into directory: URL, scratch: URL, presets: MediaJob.Presets) throws -> Data {
        // The kind from the magic bytes (MediaFormat's table), as the in-process run and the upload decide it.
        let kind = try MediaJob(input: input).kind()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let reply: WorkerProcess.Reply
        do {
            reply = try process(kind: kind.rawValue, input: input, into: scratch, presets: presets, context: LocalJobContext())
        } catch let crash as WorkerCrash {
            throw MediaFailure.badInput(code: crash.code, message: crash.description)
        }
        switch reply {
        case .failure(let failure):
            throw failure.mediaFailure
        case .manifest(let json, _):
            let declared =
                switch kind {
                case .photo: DeclaredOutputs(try JSONDecoder().decode(PhotoManifest.self, from: json))
                case .video: DeclaredOutputs(try JSONDecoder().decode(VideoManifest.self, from: json))
                }
            try declared.copy(from: scratch, to: directory)
            return json
        }
    }
}
