import Foundation
import Logging
import Platform
import Thumbnail
import Transcode

/// The `media.photo` and `media.video` job handlers: original from the store → pipeline in a
/// scratch folder → every output published under the media's deterministic prefix → media row
/// marked ready (with its near-duplicate) in the job's completion transaction.
///
/// Outputs live at `media/<id>/<preset>-v<version>/<path>`: a re-run with the same preset
/// rewrites the same objects with the same result, and a new preset version writes beside
/// the old outputs, which stay valid until the manifest switches in one statement.
struct MediaProcessor: Sendable {
    let store: ObjectStore
    let pool: DatabasePool
    let completion: MediaCompletion
    let presets: MediaJob.Presets
    /// Local scratch space for pipeline outputs before they are published.
    let scratchDirectory: String
    let logger: Logger

    var handlers: [String: JobHandler] {
        [
            MediaJobPayload.jobKind(for: "photo"): { job, context in try process(job, context) },
            MediaJobPayload.jobKind(for: "video"): { job, context in try process(job, context) },
        ]
    }

    private func process(_ job: Job, _ context: JobContext) throws -> JobResult {
        let payload = try job.decodePayload(MediaJobPayload.self)
        var logger = self.logger
        logger[metadataKey: "job_id"] = "\(job.id)"
        logger[metadataKey: "media_id"] = "\(payload.mediaID)"

        let original = store.path(for: try ObjectKey(payload.originalKey))
        let scratch = URL(fileURLWithPath: scratchDirectory)
            .appendingPathComponent("job-\(job.id)-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: scratch) }

        let outcome: Processed
        do {
            context.reportProgress(0, stage: "processing")
            outcome = try run(payload, input: URL(fileURLWithPath: original), into: scratch, context: context)
        } catch {
            let failure = MediaFailure(error)
            guard failure.disposition.isPermanent else {
                logger.warning("processing failed; will retry", metadata: ["code": "\(failure.code)"])
                throw failure.jobFailure
            }
            logger.notice("input refused", metadata: ["code": "\(failure.code)"])
            let mediaID = payload.mediaID
            try blockingAwait {
                try await pool.withConnection { connection in
                    try MediaCompletion.markFailed(
                        mediaID: mediaID, code: failure.code, message: failure.message, on: connection)
                }
            }
            throw failure.jobFailure
        }

        context.reportProgress(0.9, stage: "publishing")
        let prefix = "media/\(payload.mediaID)/\(outcome.presetName)-v\(outcome.presetVersion)"
        try publish(scratch, prefix: prefix)
        var manifest = outcome
        manifest.manifest["store_prefix"] = prefix
        let record = try manifest.completionOutcome(mediaID: payload.mediaID)
        logger.info("processed", metadata: ["prefix": "\(prefix)"])
        let (completion, store, jobLogger) = (self.completion, self.store, logger)
        return .completed { connection in
            guard try completion.markReady(record, on: connection) else {
                // Its last post was deleted while it processed: the removal job may have run
                // before these outputs were published, so they go now.
                let removed = try store.delete(prefix: ObjectKey.mediaPrefix(mediaID: record.mediaID))
                jobLogger.info("media deleted while processing; outputs removed", metadata: ["objects": "\(removed)"])
                return
            }
        }
    }

    /// Copies every file under `directory` into the store under `prefix`, atomically per object.
    private func publish(_ directory: URL, prefix: String) throws {
        let root = directory.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: root) else { return }
        for case let relative as String in walker {
            var isDirectory: ObjCBool = false
            let path = root + "/" + relative
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                continue
            }
            _ = try store.put(try ObjectKey("\(prefix)/\(relative)"), fromFile: path)
        }
    }

    private func run(_ payload: MediaJobPayload, input: URL, into scratch: URL, context: JobContext) throws -> Processed {
        switch payload.kind {
        case "photo":
            let manifest = try PhotoPipeline(preset: presets.photo)
                .process(input: input, outputDirectory: scratch, isCancelled: { context.isCancelled })
            return try Processed(
                encoding: manifest, presetName: manifest.preset.name, presetVersion: manifest.preset.version,
                input: manifest.input, pdq: manifest.hashes?.pdq, pdqQuality: manifest.hashes?.pdqQuality,
                pdqVariants: manifest.hashes?.pdqDihedral ?? [], phash: manifest.hashes?.phash, frames: [])
        case "video":
            let manifest = try VideoPipeline(preset: presets.video, posterPreset: presets.photo)
                .process(input: input, outputDirectory: scratch, isCancelled: { context.isCancelled })
            let hashes = manifest.hashes
            return try Processed(
                encoding: manifest, presetName: manifest.preset.name, presetVersion: manifest.preset.version,
                input: manifest.input, pdq: hashes?.pdq, pdqQuality: hashes?.pdqQuality, pdqVariants: [],
                phash: hashes?.phash,
                frames: hashes?.frames.map { (tMs: $0.timeMs, pdq: $0.pdq, quality: $0.quality) } ?? [])
        default:
            throw MediaFailure.badInput(code: "unsupported_kind", message: "media kind \(payload.kind) is not photo or video")
        }
    }
}

/// A pipeline's result before it is recorded.
private struct Processed {
    var manifest: [String: Any]
    var input: Data
    var presetName: String
    var presetVersion: Int
    var pdq: String?
    var pdqQuality: Int?
    var pdqVariants: [String]
    var phash: String?
    var frames: [(tMs: Int, pdq: String, quality: Int)]

    init(
        encoding manifest: some Encodable, presetName: String, presetVersion: Int, input: some Encodable,
        pdq: String?, pdqQuality: Int?, pdqVariants: [String], phash: String?, frames: [(tMs: Int, pdq: String, quality: Int)]
    ) throws {
        let data = try JSONEncoder().encode(manifest)
        self.manifest = (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        self.input = try JSONEncoder().encode(input)
        self.presetName = presetName
        self.presetVersion = presetVersion
        self.pdq = pdq
        self.pdqQuality = pdqQuality
        self.pdqVariants = pdqVariants
        self.phash = phash
        self.frames = frames
    }

    func completionOutcome(mediaID: Int64) throws -> MediaCompletion.Outcome {
        let manifestData = try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys, .withoutEscapingSlashes])
        return MediaCompletion.Outcome(
            mediaID: mediaID, manifestJSON: String(decoding: manifestData, as: UTF8.self),
            inputJSON: String(decoding: input, as: UTF8.self), presetName: presetName, presetVersion: presetVersion,
            pdq: pdq, pdqQuality: pdqQuality, pdqVariants: pdqVariants, phash: phash, frames: frames)
    }
}
