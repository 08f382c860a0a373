public import Foundation

/// What a video job produces: the ladder's rungs, encoder settings and input limits.
///
/// Stored as JSON in `jobs/video.json` (snake_case keys); ``version`` is recorded in every
/// manifest so outputs of an older preset can be found and reprocessed.
public struct VideoPreset: Sendable, Equatable, Codable {
    /// Preset name recorded in manifests (`video`).
    public var name: String
    /// Bumped whenever the outputs would change.
    public var version: Int
    /// Inputs refused before decoding.
    public var limits: VideoLimits
    /// H.264 settings shared by every rung.
    public var video: VideoEncoding
    /// AAC settings (used when the source has audio).
    public var audio: AudioEncoding
    /// Rungs, smallest first.
    public var rungs: [Rung]
    /// HLS packaging of the same encodes; nil writes MP4 only.
    public var hls: HLSPackaging?
    /// Poster frame and frame hashes; nil skips both.
    public var sampling: FrameSampling?

    /// Makes a preset; call ``validate()`` before use when built by hand.
    public init(
        name: String, version: Int, limits: VideoLimits, video: VideoEncoding, audio: AudioEncoding, rungs: [Rung],
        hls: HLSPackaging? = nil, sampling: FrameSampling? = nil
    ) {
        self.hls = hls
        self.sampling = sampling
        self.name = name
        self.version = version
        self.limits = limits
        self.video = video
        self.audio = audio
        self.rungs = rungs
    }

    /// The built-in default, identical to `jobs/video.json`.
    public static let `default` = VideoPreset(
        name: "video",
        version: 3,
        limits: .default,
        video: VideoEncoding(encoder: "libx264", speedPreset: "veryfast", profile: "high", crf: 23, gopSeconds: 2),
        audio: AudioEncoding(encoder: "aac", bitrate: 128_000, channels: 2, sampleRate: 48_000),
        rungs: [
            Rung(name: "360", shortSide: 360, maxrate: 1_040_000, bufsize: 2_080_000),
            Rung(name: "720", shortSide: 720, maxrate: 3_040_000, bufsize: 6_080_000),
            Rung(name: "1080", shortSide: 1080, maxrate: 6_220_000, bufsize: 12_440_000),
        ],
        hls: HLSPackaging(segmentSeconds: 2),
        sampling: FrameSampling(posterAtMs: 1000, hashIntervalMs: 1000, posterWebPEffort: 2))

    /// Reads and validates a preset file.
    ///
    /// - Throws: `io` when unreadable, `invalid_preset` when malformed or inconsistent.
    public static func load(from url: URL) throws(TranscodeError) -> VideoPreset {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TranscodeError(.io, "cannot read preset \(url.path): \(error.localizedDescription)")
        }
        let preset: VideoPreset
        do {
            preset = try JSONDecoder().decode(VideoPreset.self, from: data)
        } catch {
            throw TranscodeError(.invalidPreset, "preset \(url.path) is malformed: \(error)")
        }
        try preset.validate()
        return preset
    }

    /// Checks the preset is usable: rungs present, ascending, even; rates and CRF in range.
    public func validate() throws(TranscodeError) {
        func fail(_ message: String) -> TranscodeError { TranscodeError(.invalidPreset, "preset \(name): \(message)") }
        guard !rungs.isEmpty else { throw fail("no rungs") }
        let sides = rungs.map(\.shortSide)
        guard sides == sides.sorted(), Set(sides).count == sides.count else {
            throw fail("rungs must be in ascending order of short side, without repeats")
        }
        guard sides.allSatisfy({ $0 >= 16 && $0 % 2 == 0 }) else { throw fail("short sides must be even and ≥ 16") }
        guard Set(rungs.map(\.name)).count == rungs.count else { throw fail("rung names must be unique") }
        guard rungs.allSatisfy({ $0.maxrate > 0 && $0.bufsize > 0 }) else { throw fail("maxrate and bufsize must be positive") }
        guard (0...51).contains(video.crf) else { throw fail("crf must be within 0…51") }
        guard video.gopSeconds > 0 else { throw fail("gop_seconds must be positive") }
        if let hls, !(hls.segmentSeconds >= video.gopSeconds) {
            throw fail("hls segment_seconds must be at least gop_seconds (segments start at keyframes)")
        }
        if let sampling, sampling.hashIntervalMs <= 0 || sampling.posterAtMs < 0 {
            throw fail("hash_interval_ms must be positive and poster_at_ms not negative")
        }
        if let effort = sampling?.posterWebPEffort, !(0...6).contains(effort) {
            throw fail("poster_webp_effort must be within 0…6")
        }
        guard audio.bitrate > 0, (1...8).contains(audio.channels), audio.sampleRate >= 8000 else {
            throw fail("audio bitrate, channels or sample rate out of range")
        }
    }
}
