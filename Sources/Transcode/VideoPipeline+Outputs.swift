import Foundation
import Thumbnail

extension VideoPipeline {
    /// Average bit/s of `bytes` spread over `durationMs` (declared, or decoded when the
    /// headers declare none).
    func bitrate(_ bytes: Int, durationMs: Int) -> Int {
        Int(Double(bytes) * 8 / max(Double(durationMs) / 1000, 0.001))
    }

    /// A sampler for the preset's poster and hash settings, or nil when sampling is off.
    func makeSampler(_ source: OpenedSource) throws(TranscodeError) -> FrameSampler? {
        guard let sampling = preset.sampling else { return nil }
        return try FrameSampler(source: source, sampling: sampling)
    }

    func posterFrame(_ sampler: FrameSampler, path: String) throws(TranscodeError) -> FrameSnapshot {
        guard let frame = try sampler.posterFrame() else {
            throw TranscodeError(.corrupt, "no video frame could be decoded from \(path)")
        }
        return frame
    }

    /// Writes the poster's photo renditions into `folder`; paths in the result start with `poster/`.
    func writePoster(_ frame: FrameSnapshot, into folder: URL) throws(TranscodeError) -> VideoManifest.Poster {
        let renditions: [PhotoManifest.Rendition]
        do {
            var photoPreset = posterPreset
            if let effort = preset.sampling?.posterWebPEffort {
                for index in photoPreset.outputs.indices where photoPreset.outputs[index].format == .webp {
                    photoPreset.outputs[index].effort = effort
                }
            }
            renditions = try PhotoPipeline(preset: photoPreset).renditions(
                pixels: frame.pixels, width: frame.width, height: frame.height, bands: 3, outputDirectory: folder,
                name: "poster")
        } catch {
            throw TranscodeError(.internal, "poster renditions failed: \(error)")
        }
        return VideoManifest.Poster(
            timeMs: frame.timeMs, width: frame.width, height: frame.height,
            renditions: renditions.map { rendition in
                var moved = rendition
                moved.path = "\(OutputStaging.posterFolder)/\(rendition.path)"
                return moved
            })
    }

    /// What the poster frame gave: its renditions (when written) and its PDQ and pHash.
    struct PosterOutcome: Sendable {
        var poster: VideoManifest.Poster?
        var pdq: PDQHash
        var phash: String

        /// Hashes `frame`, with no renditions.
        init(hashing frame: FrameSnapshot, poster: VideoManifest.Poster? = nil) {
            self.poster = poster
            (pdq, phash) = ImageHashes.pdqAndPHash(pixels: frame.pixels, width: frame.width, height: frame.height, bands: 3)
        }
    }

    /// Starts writing `frame`'s renditions into `folder` and hashing it, on another thread.
    func startPoster(_ frame: FrameSnapshot, into folder: URL) -> BackgroundWork<PosterOutcome> {
        BackgroundWork { () throws(TranscodeError) in
            PosterOutcome(hashing: frame, poster: try writePoster(frame, into: folder))
        }
    }

    /// Poster PDQ + pHash and the per-interval frame PDQs.
    static func hashes(of sampler: FrameSampler, poster: PosterOutcome) -> VideoHashes {
        VideoHashes(
            pdq: poster.pdq.hex, pdqQuality: poster.pdq.quality, phash: poster.phash,
            frames: sampler.frameHashes.map { .init(timeMs: $0.timeMs, pdq: $0.hash.hex, quality: $0.hash.quality) })
    }

    /// BANDWIDTH is the measured peak segment rate, AVERAGE-BANDWIDTH the whole-file average.
    func masterPlaylist(
        plan: LadderPlan, results: [Ladder.Result], probe: VideoProbe, durationMs: Int, folder: URL
    ) throws(TranscodeError) -> HLSMasterPlaylist {
        var variants: [HLSMasterPlaylist.Variant] = []
        for (step, result) in zip(plan.steps, results) {
            let uri = "\(step.rung.name).m3u8"
            let average = bitrate(result.videoBytes + result.audioBytes, durationMs: durationMs)
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
