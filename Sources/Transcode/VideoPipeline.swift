public import Foundation
public import Thumbnail

/// Turns one video file into an H.264/AAC ladder (MP4 per rung, HLS), a poster with its photo
/// renditions, frame hashes, and the manifest describing them.
///
/// Synchronous and blocking: run it on a dedicated thread, never on the async executor. All
/// FFmpeg state is created, used and freed inside each call, so one pipeline value may be
/// shared; concurrent calls must use different output directories.
public struct VideoPipeline: Sendable {
    /// What to produce.
    public var preset: VideoPreset
    /// Renditions made of the poster frame.
    public var posterPreset: PhotoPreset
    /// How long decoding may go on without producing a frame before the job fails as `stalled`
    /// (monotonic clock; time spent encoding frames does not count).
    public var stallTimeout: Duration

    /// A pipeline for `preset` (default: `jobs/video.json`'s), posters per `posterPreset`.
    public init(
        preset: VideoPreset = .default, posterPreset: PhotoPreset = .photo, stallTimeout: Duration = .seconds(30)
    ) {
        self.preset = preset
        self.posterPreset = posterPreset
        self.stallTimeout = stallTimeout
    }

    /// Probes `input`, checks limits, decodes it once and writes into `outputDirectory`:
    /// `<rung>.mp4` per rung; with HLS, `hls/master.m3u8`, `hls/<rung>.m3u8` and fMP4 segments;
    /// with sampling, `poster/` renditions and the frame hashes in the manifest.
    ///
    /// Files appear under their final names only when complete; on failure nothing is left behind.
    /// - Parameter isCancelled: polled between packets; returning true stops with `cancelled`.
    /// - Throws: ``TranscodeError`` — bad input (`unsupported_format`, `corrupt`, `too_large`,
    ///   `too_long`, `too_many_pixels`, `no_video_stream`) or `cancelled`, `stalled` (no frame
    ///   decoded for ``stallTimeout``), `io`,
    ///   `invalid_preset`, `internal`.
    public func process(
        input: URL, outputDirectory: URL, isCancelled: () -> Bool = { false }
    ) throws(TranscodeError) -> VideoManifest {
        try preset.validate()
        let source = try OpenedSource(url: input, limits: preset.limits, decoderCountsDuration: true)
        let probe = source.probe
        let plan = LadderPlan(
            rungs: preset.rungs, displayWidth: probe.video.displayWidth, displayHeight: probe.video.displayHeight)
        // The digest reads the file on another thread while the ladder encodes.
        let digest = BackgroundWork { () throws(TranscodeError) in try FileDigest.sha256(of: input) }
        let staging = try OutputStaging(directory: outputDirectory, names: plan.steps.map { "\($0.rung.name).mp4" })
        var folders: [String] = []
        if preset.hls != nil { folders.append(OutputStaging.hlsFolder) }
        if preset.sampling != nil { folders.append(OutputStaging.posterFolder) }

        let results: [Ladder.Result]
        let durationMs: Int
        var poster: VideoManifest.Poster?
        var hashes: VideoHashes?
        let sha256: String
        // The poster's renditions and hashes, started as soon as the decode has chosen it, so
        // they run beside the encoders instead of after them.
        var posterWork: BackgroundWork<PosterOutcome>?
        do {
            for folder in folders { try staging.prepareFolder(folder) }
            let sampler = try makeSampler(source)
            let posterFolder = staging.partialFolder(OutputStaging.posterFolder)
            sampler?.onPosterChosen = { frame in posterWork = self.startPoster(frame, into: posterFolder) }
            let ladder = try Ladder(
                source: source, plan: plan, preset: preset, outputs: staging.partials.map(\.path),
                hlsDirectory: preset.hls == nil ? nil : staging.partialFolder(OutputStaging.hlsFolder).path,
                sampler: sampler, stallTimeout: stallTimeout)
            try ladder.run {
                () throws(TranscodeError) in
                if isCancelled() { throw TranscodeError(.cancelled, "processing \(input.path) was cancelled") }
            }
            results = ladder.results
            // Headers that declare no duration (Matroska written to a pipe): what was decoded.
            durationMs = probe.isDurationKnown ? probe.durationMs : Int(clamping: try ladder.decodedDurationMs() ?? 0)
            if preset.hls != nil {
                let folder = staging.partialFolder(OutputStaging.hlsFolder)
                let master = try masterPlaylist(
                    plan: plan, results: results, probe: probe, durationMs: durationMs, folder: folder)
                try staging.write(master.text, named: "master.m3u8", inFolder: OutputStaging.hlsFolder)
            }
            if let sampler {
                // A clip with no frame past the poster time (or only black ones) settles here.
                let work: BackgroundWork<PosterOutcome>
                if let posterWork {
                    work = posterWork
                } else {
                    work = startPoster(try posterFrame(sampler, path: input.path), into: posterFolder)
                }
                let outcome = try work.value()
                poster = outcome.poster
                hashes = Self.hashes(of: sampler, poster: outcome)
            }
            sha256 = try digest.value()
            try staging.commit(folders: folders)
        } catch {
            // Nothing may still be writing into the folders being removed.
            posterWork?.wait()
            staging.discard()
            throw error
        }

        var renditions: [VideoManifest.Rendition] = []
        for (index, step) in plan.steps.enumerated() {
            renditions.append(
                VideoManifest.Rendition(
                    name: step.rung.name, format: "mp4", width: step.width, height: step.height,
                    bytes: try staging.size(of: staging.finals[index]), path: staging.names[index], codec: "h264",
                    videoBitrate: bitrate(results[index].videoBytes, durationMs: durationMs),
                    audioBitrate: bitrate(results[index].audioBytes, durationMs: durationMs)))
        }
        return VideoManifest(
            preset: .init(name: preset.name, version: preset.version),
            input: .init(
                format: probe.container, width: probe.video.width, height: probe.video.height, bytes: probe.bytes,
                sha256: sha256, durationMs: durationMs, rotation: probe.video.rotation,
                hasAudio: probe.hasAudio),
            renditions: renditions,
            hls: preset.hls == nil ? nil : "\(OutputStaging.hlsFolder)/master.m3u8",
            poster: poster, hashes: hashes)
    }

    /// SHA-256, poster-frame PDQ/pHash and one PDQ per sampled second, without encoding anything
    /// (the same values ``process(input:outputDirectory:isCancelled:)`` records).
    ///
    /// - Throws: ``TranscodeError`` as for `process`, after the same limits.
    public func hash(input: URL, isCancelled: () -> Bool = { false }) throws(TranscodeError) -> VideoHashes {
        try preset.validate()
        let source = try OpenedSource(url: input, limits: preset.limits, decoderCountsDuration: true)
        let sampling = preset.sampling ?? VideoPreset.FrameSampling(posterAtMs: 1000, hashIntervalMs: 1000)
        let reader = try SourceReader(source: source, withAudio: false, stallTimeout: stallTimeout)
        let sampler = try FrameSampler(source: source, sampling: sampling)
        try reader.run(
            checkpoint: { () throws(TranscodeError) in
                if isCancelled() { throw TranscodeError(.cancelled, "hashing \(input.path) was cancelled") }
            },
            video: { frame throws(TranscodeError) in try sampler.observe(frame) },
            audio: { _ in })
        let poster = try posterFrame(sampler, path: input.path)
        var hashes = Self.hashes(of: sampler, poster: PosterOutcome(hashing: poster))
        hashes.sha256 = try FileDigest.sha256(of: input)
        return hashes
    }
}
