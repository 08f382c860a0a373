import Foundation
import Logging
import Platform
import Thumbnail

/// The `user.avatar` job: the avatar's upload through the photo pipeline with the avatar preset
/// (in a worker child, as every photo), its hashes checked against the hash list, its renditions
/// published under `avatars/<id>/`, and `AvatarService.complete` in the job's completion
/// transaction. A match publishes nothing (`Blocklist.blockAvatar`).
extension MediaProcessor {
    var avatarHandlers: [String: JobHandler] {
        [AvatarService.jobKind: { job, context in try processAvatar(job, context) }]
    }

    private func processAvatar(_ job: Job, _ context: JobContext) throws -> JobResult {
        let avatarID = try job.decodePayload(AvatarService.Payload.self).avatarID
        var logger = self.logger
        logger[metadataKey: "job_id"] = "\(job.id)"
        logger[metadataKey: "avatar_id"] = "\(avatarID)"
        let upload = try ObjectKey.avatarUpload(avatarID: avatarID)
        let preset = PhotoPreset.avatar
        let prefix = ObjectKey.avatarPrefix(avatarID: avatarID) + "\(preset.name)-v\(preset.version)"
        let (store, jobLogger, blocklist) = (self.store, logger, self.blocklist)
        // Set once the upload is screened; a completion run again without it (outputs published,
        // upload gone) was screened by the run that published.
        var subject: BlocklistSubject?
        func complete() -> JobResult {
            .completed { [subject] connection in
                // As for photos: an import committed since the first check is seen here.
                if let subject, let hit = try Blocklist.screen(subject, index: blocklist, on: connection) {
                    _ = try store.delete(prefix: ObjectKey.avatarPrefix(avatarID: avatarID))
                    try Blocklist.blockAvatar(avatarID: avatarID, hit: hit, store: store, on: connection)
                    jobLogger.notice("avatar matched the hash list while publishing; taken down", metadata: ["entry_id": "\(hit.entryID)"])
                    return
                }
                let removed = try AvatarService.complete(avatarID: avatarID, prefix: prefix, store: store, on: connection)
                // Kept for a later import's scan (`BlocklistScan`); none when it went at once.
                if let subject { try Blocklist.recordAvatarHashes(avatarID: avatarID, subject: subject, on: connection) }
                jobLogger.info("avatar ready", metadata: ["prefix": "\(prefix)", "objects_removed": "\(removed)"])
            }
        }
        guard try store.exists(upload) else {
            // The completion removes the upload before its commit: when that commit failed the
            // outputs are published already and only the completion runs again. Otherwise the
            // avatar was completed, refused, or removed with its account: nothing to do.
            let published = AvatarService.renditionPaths.allSatisfy { path in
                (try? ObjectKey(prefix + "/" + path)).map { (try? store.exists($0)) ?? false } ?? false
            }
            logger.notice("avatar upload gone", metadata: ["completing_again": "\(published)"])
            return published ? complete() : .completed
        }
        let (scratch, downloads) = try scratchFolders(for: job)
        defer {
            try? FileManager.default.removeItem(at: scratch)
            try? FileManager.default.removeItem(atPath: downloads)
        }
        var avatarPresets = presets
        avatarPresets.photo = preset
        var manifest: PhotoManifest
        do {
            context.reportProgress(0, stage: "processing")
            manifest = try store.withLocalFile(upload, scratchDirectory: downloads) { path -> PhotoManifest in
                let input = URL(fileURLWithPath: path)
                if let workers {
                    let processor = MediaProcessor(
                        store: store, pool: pool, completion: completion, presets: avatarPresets,
                        scratchDirectory: scratchDirectory, logger: logger, workers: workers, quarantineAfter: quarantineAfter)
                    var (manifest, variants) = try processor.isolated(
                        "photo", as: PhotoManifest.self, on: workers, input: input, into: scratch, context: context)
                    manifest.hashes?.pdqDihedral = variants
                    return manifest
                }
                try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
                return try PhotoPipeline(preset: preset).process(
                    input: input, outputDirectory: scratch, isCancelled: { context.isCancelled })
            }
        } catch let crash as WorkerCrash {
            throw JobFailure.transient(crash.code, "worker \(crash.code) during \(crash.stage)", retryAfter: .seconds(1))
        } catch {
            let failure = MediaFailure(error)
            guard failure.disposition.isPermanent else { throw failure.jobFailure }
            logger.notice("avatar refused", metadata: ["code": "\(failure.code)"])
            _ = try LaneThread.wait {
                try await pool.withConnection { connection in
                    try AvatarService.fail(avatarID: avatarID, code: failure.code, store: store, on: connection)
                }
            }
            throw failure.jobFailure
        }
        // The preset and the API agree on the files (one list in AvatarService).
        guard Set(manifest.renditions.map(\.path)) == Set(AvatarService.renditionPaths) else {
            throw MediaFailure.internalError("avatar renditions \(manifest.renditions.map(\.path)) are not the API's")
        }
        // The hash list is checked before anything is published, as for post photos.
        let screened = try Self.blocklistSubject(manifest.hashes)
        subject = screened
        if let hit = try LaneThread.wait(for: {
            try await pool.withConnection { try Blocklist.screen(screened, index: blocklist, on: $0) }
        }) {
            logger.notice(
                "avatar matched the hash list; nothing published",
                metadata: ["entry_id": "\(hit.entryID)", "distance": "\(hit.distance)"])
            return .completed { connection in
                try Blocklist.blockAvatar(avatarID: avatarID, hit: hit, store: store, on: connection)
            }
        }
        context.reportProgress(0.9, stage: "publishing")
        // Only the declared files, never through a link a worker made (`DeclaredOutputs`).
        try DeclaredOutputs(manifest).publish(from: scratch, to: store, mediaID: avatarID, prefix: prefix)
        return complete()
    }

    /// What an avatar is matched by: its PDQ and those of its rotations and mirrors. The avatar
    /// preset hashes; without hashes nothing could be checked, so nothing is published.
    private static func blocklistSubject(_ hashes: PhotoHashes?) throws -> BlocklistSubject {
        guard let hashes, let variants = hashes.pdqDihedral, !variants.isEmpty else {
            throw MediaFailure.internalError("the avatar preset made no hashes to check against the hash list")
        }
        return BlocklistSubject(
            pdq: try Platform.PDQHash(pipelineHex: hashes.pdq), pdqQuality: hashes.pdqQuality,
            pdqVariants: try variants.map { try Platform.PDQHash(pipelineHex: $0) }, frames: [])
    }
}
