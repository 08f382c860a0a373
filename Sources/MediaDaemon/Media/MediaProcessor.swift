import Foundation
import Logging
import Platform
import Thumbnail
import Transcode

/// The dedup index's hash: the pipelines' are converted once (`PDQHash+Pipeline.swift`).
private typealias PDQHash = Platform.PDQHash

/// The `media.photo` and `media.video` job handlers: original from the store → pipeline in a
/// scratch folder → every output published under the media's deterministic prefix → media row
/// marked ready (with its near-duplicate) in the job's completion transaction.
///
/// Outputs live under `ObjectKey.renditionPrefix` (`media/<id>/<preset>-v<version>/`): a re-run with the same preset
/// rewrites the same objects with the same result, and a new preset version writes beside
/// the old outputs, which stay valid until the manifest switches in one statement.
struct MediaProcessor: Sendable {
    let store: ObjectStore
    let pool: DatabasePool
    let completion: MediaCompletion
    let presets: MediaJob.Presets
    /// Local scratch space for pipeline outputs before they are published.
    let scratchDirectory: String
    /// Name prefix of a job's scratch directory (`LeftoverSweeper` removes old ones).
    static let scratchPrefix = "job-"
    let logger: Logger
    /// The worker children that run the pipelines; nil runs them in this process.
    var workers: WorkerPool? = nil
    /// Worker crashes in a row after which an input is quarantined (nil: never).
    var quarantineAfter: Int? = 2
    /// This daemon's copy of the hash list, checked before anything is published.
    var blocklist = BlocklistIndex()

    var handlers: [String: JobHandler] {
        [
            MediaJobPayload.jobKind(for: "photo"): { job, context in try process(job, context) },
            MediaJobPayload.jobKind(for: "video"): { job, context in try process(job, context) },
        ]
    }

    /// A job's scratch folder for its outputs and, beside it, where a remote store's input is
    /// downloaded (never inside it: in-process runs publish the whole folder). Both carry this
    /// process's `LeftoverOwner` mark, so a dead process's leftovers are swept; the caller
    /// removes both when the job ends.
    func scratchFolders(for job: Job) throws -> (outputs: URL, downloads: String) {
        try LeftoverOwner.claim(scratchDirectory)
        let outputs = URL(fileURLWithPath: scratchDirectory)
            .appendingPathComponent("\(Self.scratchPrefix)\(LeftoverOwner.tag)-\(job.id)-\(UUID().uuidString.prefix(8))")
        return (outputs, outputs.path + "-input")
    }

    private func process(_ job: Job, _ context: JobContext) throws -> JobResult {
        let payload = try job.decodePayload(MediaJobPayload.self)
        var logger = self.logger
        logger[metadataKey: "job_id"] = "\(job.id)"
        logger[metadataKey: "media_id"] = "\(payload.mediaID)"

        let originalKey = try ObjectKey(payload.originalKey)
        let (scratch, downloads) = try scratchFolders(for: job)
        defer {
            try? FileManager.default.removeItem(at: scratch)
            try? FileManager.default.removeItem(atPath: downloads)
        }

        let processed: Processed
        do {
            context.reportProgress(0, stage: "processing")
            processed = try store.withLocalFile(originalKey, scratchDirectory: downloads) { original in
                try run(payload, input: URL(fileURLWithPath: original), into: scratch, context: context)
            }
        } catch let crash as WorkerCrash {
            throw try recordCrash(crash, job: job, mediaID: payload.mediaID, logger: logger)
        } catch {
            let failure = MediaFailure(error)
            guard failure.disposition.isPermanent else {
                logger.warning("processing failed; will retry", metadata: ["code": "\(failure.code)"])
                throw failure.jobFailure
            }
            logger.notice("input refused", metadata: ["code": "\(failure.code)"])
            let mediaID = payload.mediaID
            try LaneThread.wait {
                try await pool.withConnection { connection in
                    try MediaCompletion.markFailed(
                        mediaID: mediaID, code: failure.code, message: failure.message, on: connection)
                }
            }
            throw failure.jobFailure
        }

        // The hash list is checked before anything is published: renditions are publicly
        // cacheable for a long time once out. A match is a decision, not an error: the job
        // completes, with the media blocked in its completion transaction.
        let subject = BlocklistSubject(processed.outcome)
        let (blocklist, mediaID) = (self.blocklist, payload.mediaID)
        if let hit = try LaneThread.wait(for: {
            try await pool.withConnection { try Blocklist.screen(subject, index: blocklist, on: $0) }
        }) {
            logger.notice("matched the hash list; nothing published", metadata: ["entry_id": "\(hit.entryID)", "distance": "\(hit.distance)"])
            return .completed { connection in
                try Blocklist.block(mediaID: mediaID, hit: hit, foundBy: .processing, on: connection)
            }
        }

        context.reportProgress(0.9, stage: "publishing")
        let manifest = PublishedManifest(
            processed.manifest, mediaID: payload.mediaID, presetName: processed.outcome.presetName,
            presetVersion: processed.outcome.presetVersion)
        if workers != nil {
            try processed.declared.publish(from: scratch, to: store, mediaID: payload.mediaID, prefix: manifest.storePrefix)
        } else {
            try publish(scratch, mediaID: payload.mediaID, prefix: manifest.storePrefix)
        }
        let record = try processed.completionOutcome(manifest: manifest)
        logger.info("processed", metadata: ["prefix": "\(manifest.storePrefix)"])
        let (completion, store, jobLogger) = (self.completion, self.store, logger)
        return .completed { connection in
            // An import that committed since the check above is seen here (or waits for this
            // transaction, and then its scan sees the media ready): the outputs just published
            // go with the takedown job `block` enqueues, or now when the media was deleted or
            // blocked meanwhile (it must not become ready either way).
            if let hit = try Blocklist.screen(subject, index: blocklist, on: connection) {
                if try !Blocklist.block(mediaID: record.mediaID, hit: hit, foundBy: .processing, on: connection) {
                    _ = try store.delete(prefix: ObjectKey.mediaPrefix(mediaID: record.mediaID))
                }
                jobLogger.notice("matched the hash list while publishing; taken down", metadata: ["entry_id": "\(hit.entryID)"])
                return
            }
            guard try completion.markReady(record, on: connection) else {
                // Its last post was deleted while it processed: the removal job may have run
                // before these outputs were published, so they go now.
                let removed = try store.delete(prefix: ObjectKey.mediaPrefix(mediaID: record.mediaID))
                jobLogger.info("media deleted while processing; outputs removed", metadata: ["objects": "\(removed)"])
                return
            }
            try Blocklist.recordVariants(mediaID: record.mediaID, variants: record.pdqVariants, on: connection)
        }
    }

    /// Copies every file under `directory` into the store under `prefix`, atomically per object.
    private func publish(_ directory: URL, mediaID: Int64, prefix: String) throws {
        let root = directory.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: root) else { return }
        for case let relative as String in walker {
            var isDirectory: ObjCBool = false
            let path = root + "/" + relative
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                continue
            }
            _ = try store.put(try ObjectKey.rendition(mediaID: mediaID, storePrefix: prefix, path: relative), fromFile: path)
        }
    }

    private func run(_ payload: MediaJobPayload, input: URL, into scratch: URL, context: JobContext) throws -> Processed {
        switch payload.kind {
        case "photo":
            let manifest = try workers.map { workers in
                var (manifest, variants) = try isolated(
                    payload.kind, as: PhotoManifest.self, on: workers, input: input, into: scratch, context: context)
                manifest.hashes?.pdqDihedral = variants
                return manifest
            } ?? PhotoPipeline(preset: presets.photo)
                .process(input: input, outputDirectory: scratch, isCancelled: { context.isCancelled })
            let hashes = manifest.hashes
            return try Processed(
                declared: DeclaredOutputs(manifest),
                mediaID: payload.mediaID, encoding: manifest, presetName: manifest.preset.name,
                presetVersion: manifest.preset.version, input: manifest.input,
                pdq: try hashes.map { try PDQHash(pipelineHex: $0.pdq) }, pdqQuality: hashes?.pdqQuality,
                pdqVariants: try (hashes?.pdqDihedral ?? []).map { try PDQHash(pipelineHex: $0) },
                phash: hashes?.phash, frames: [])
        case "video":
            let manifest = try workers.map {
                try isolated(payload.kind, as: VideoManifest.self, on: $0, input: input, into: scratch, context: context).0
            } ?? VideoPipeline(preset: presets.video, posterPreset: presets.photo)
                .process(input: input, outputDirectory: scratch, isCancelled: { context.isCancelled })
            let hashes = manifest.hashes
            return try Processed(
                declared: DeclaredOutputs(manifest),
                mediaID: payload.mediaID, encoding: manifest, presetName: manifest.preset.name,
                presetVersion: manifest.preset.version, input: manifest.input,
                pdq: try hashes.map { try PDQHash(pipelineHex: $0.pdq) }, pdqQuality: hashes?.pdqQuality,
                pdqVariants: [], phash: hashes?.phash,
                frames: try (hashes?.frames ?? []).map { frame in
                    (tMs: frame.timeMs, hash: try PDQHash(pipelineHex: frame.pdq), quality: frame.quality)
                })
        default:
            throw MediaFailure.badInput(code: "unsupported_kind", message: "media kind \(payload.kind) is not photo or video")
        }
    }
}

/// A pipeline's result before it is recorded.
private struct Processed {
    /// The pipeline's manifest, published with its folder by `PublishedManifest`.
    var manifest: any Encodable & Sendable
    /// What the completion records; its `manifestJSON` is filled in by `completionOutcome(manifest:)`.
    var outcome: MediaCompletion.Outcome
    /// The files the manifest names, the only ones published from a worker's scratch folder.
    var declared: DeclaredOutputs

    init(
        declared: DeclaredOutputs, mediaID: Int64, encoding manifest: some Encodable & Sendable, presetName: String, presetVersion: Int,
        input: some Encodable, pdq: PDQHash?, pdqQuality: Int?, pdqVariants: [PDQHash], phash: String?,
        frames: [(tMs: Int, hash: PDQHash, quality: Int)]
    ) throws {
        self.manifest = manifest
        self.declared = declared
        outcome = MediaCompletion.Outcome(
            mediaID: mediaID, manifestJSON: "", inputJSON: String(decoding: try JSONEncoder().encode(input), as: UTF8.self),
            presetName: presetName, presetVersion: presetVersion, pdq: pdq, pdqQuality: pdqQuality,
            pdqVariants: pdqVariants, phash: phash, frames: frames)
    }

    /// The outcome with the manifest as published (its store prefix included).
    func completionOutcome(manifest: PublishedManifest) throws -> MediaCompletion.Outcome {
        var outcome = self.outcome
        outcome.manifestJSON = try manifest.json()
        return outcome
    }
}
