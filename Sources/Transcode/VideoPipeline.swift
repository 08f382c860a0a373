public import Foundation

/// Turns one video file into an H.264/AAC ladder (MP4 per rung, plus HLS) and its manifest.
///
/// Synchronous and blocking: run it on a dedicated thread, never on the async executor. All
/// FFmpeg state is created, used and freed inside ``process(input:outputDirectory:isCancelled:)``,
/// so one pipeline value may be shared; concurrent calls must use different output directories.
public struct VideoPipeline: Sendable {
    /// What to produce.
    public var preset: VideoPreset

    /// A pipeline for `preset` (the default is `jobs/video.json`'s).
    public init(preset: VideoPreset = .default) {
        self.preset = preset
    }

    /// Probes `input`, checks limits, decodes it once and writes `<rung>.mp4` per rung, and
    /// when the preset has HLS, `hls/master.m3u8` with `hls/<rung>.m3u8` and fMP4 segments.
    ///
    /// Files appear under their final names only when complete; on failure nothing is left behind.
    /// - Parameter isCancelled: polled between packets; returning true stops with `cancelled`.
    /// - Throws: ``TranscodeError`` — bad input (`unsupported_format`, `corrupt`, `too_large`,
    ///   `too_long`, `too_many_pixels`, `no_video_stream`) or `cancelled`, `stalled`, `io`,
    ///   `invalid_preset`, `internal`.
    public func process(
        input: URL, outputDirectory: URL, isCancelled: () -> Bool = { false }
    ) throws(TranscodeError) -> VideoManifest {
        try preset.validate()
        let source = try OpenedSource(url: input, limits: preset.limits)
        let probe = source.probe
        let plan = LadderPlan(
            rungs: preset.rungs, displayWidth: probe.video.displayWidth, displayHeight: probe.video.displayHeight)
        let sha256 = try FileDigest.sha256(of: input)
        let staging = try OutputStaging(directory: outputDirectory, names: plan.steps.map { "\($0.rung.name).mp4" })

        let results: [Ladder.Result]
        do {
            if preset.hls != nil { try staging.prepareHLS() }
            let ladder = try Ladder(
                source: source, plan: plan, preset: preset, outputs: staging.partials.map(\.path),
                hlsDirectory: preset.hls == nil ? nil : staging.hlsPartial.path)
            try ladder.run {
                () throws(TranscodeError) in
                if isCancelled() { throw TranscodeError(.cancelled, "processing \(input.path) was cancelled") }
            }
            results = ladder.results
            if preset.hls != nil {
                let master = try masterPlaylist(plan: plan, results: results, probe: probe, folder: staging.hlsPartial)
                try staging.writeHLS(master.text, named: "master.m3u8")
            }
            try staging.commit(withHLS: preset.hls != nil)
        } catch {
            staging.discard()
            throw error
        }

        var renditions: [VideoManifest.Rendition] = []
        for (index, step) in plan.steps.enumerated() {
            renditions.append(
                VideoManifest.Rendition(
                    name: step.rung.name, format: "mp4", width: step.width, height: step.height,
                    bytes: try staging.size(of: staging.finals[index]), path: staging.names[index], codec: "h264",
                    videoBitrate: bitrate(results[index].videoBytes, probe),
                    audioBitrate: bitrate(results[index].audioBytes, probe)))
        }
        return VideoManifest(
            preset: .init(name: preset.name, version: preset.version),
            input: .init(
                format: probe.container, width: probe.video.width, height: probe.video.height, bytes: probe.bytes,
                sha256: sha256, durationMs: probe.durationMs, rotation: probe.video.rotation,
                hasAudio: probe.hasAudio),
            renditions: renditions,
            hls: preset.hls == nil ? nil : "\(OutputStaging.hlsFolder)/master.m3u8")
    }

    /// Average bit/s of `bytes` spread over the source's duration.
    private func bitrate(_ bytes: Int, _ probe: VideoProbe) -> Int {
        Int(Double(bytes * 8) / max(Double(probe.durationMs) / 1000, 0.001))
    }

    /// BANDWIDTH is the measured peak segment rate, AVERAGE-BANDWIDTH the whole-file average.
    private func masterPlaylist(
        plan: LadderPlan, results: [Ladder.Result], probe: VideoProbe, folder: URL
    ) throws(TranscodeError) -> HLSMasterPlaylist {
        var variants: [HLSMasterPlaylist.Variant] = []
        for (step, result) in zip(plan.steps, results) {
            let uri = "\(step.rung.name).m3u8"
            let average = bitrate(result.videoBytes + result.audioBytes, probe)
            let peak = try HLSMediaPlaylist.peakBitrate(
                playlist: folder.appendingPathComponent(uri), segmentSeconds: preset.hls?.segmentSeconds ?? 2)
            variants.append(
                HLSMasterPlaylist.Variant(
                    bandwidth: max(peak, average), averageBandwidth: average,
                    width: step.width, height: step.height, frameRate: probe.video.frameRate,
                    videoCodec: result.codec, hasAudio: probe.hasAudio, uri: uri))
        }
        return HLSMasterPlaylist(variants: variants)
    }
}
