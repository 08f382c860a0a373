import Dispatch

/// One decode feeding every rung: each video frame is scaled per rung, audio is encoded once
/// and its packets are copied into every rung's MP4.
///
/// Owns the reader, the audio encoder and the rung writers. The writers run on threads of their
/// own during ``run(checkpoint:)``, each touched by one thread at a time; everything else stays
/// on the calling thread.
final class Ladder {
    private let reader: SourceReader
    private let audio: AudioEncoder?
    private let writers: [RungWriter]
    private let sampler: FrameSampler?

    /// What one rung produced.
    struct Result {
        var videoBytes: Int
        var audioBytes: Int
        /// RFC 6381 video codec string, e.g. `avc1.64001f`.
        var codec: String
    }

    /// Prepares encoders and opens one MP4 per entry of `outputs` (same order as `plan`), plus
    /// `<rung>.m3u8` and its segments in `hlsDirectory` when the preset asks for HLS.
    init(
        source: OpenedSource, plan: LadderPlan, preset: VideoPreset, outputs: [String], hlsDirectory: String?,
        sampler: FrameSampler?, stallTimeout: Duration = SourceReader.defaultStallTimeout
    ) throws(TranscodeError) {
        self.sampler = sampler
        let reader = try SourceReader(
            source: source, withAudio: source.probe.hasAudio, stallTimeout: stallTimeout)
        self.reader = reader
        if let audioTimeBase = reader.audioTimeBase {
            audio = try AudioEncoder(
                codec: preset.audio.encoder, bitrate: preset.audio.bitrate, channels: preset.audio.channels,
                sampleRate: preset.audio.sampleRate, sourceTimeBase: audioTimeBase,
                path: source.container.path)
        } else {
            audio = nil
        }
        let rotation = FrameRotation(clockwiseDegrees: source.probe.video.rotation)
        let settings = Array(zip(
            Self.settings(plan: plan, preset: preset, frameRate: source.probe.video.frameRate, hlsDirectory: hlsDirectory),
            outputs))
        writers = try Self.openWriters(settings, rotation: rotation, reader: reader, audio: audio)
    }

    /// Each rung's encoder settings, in plan order; with `hlsDirectory`, its HLS playlist there.
    static func settings(
        plan: LadderPlan, preset: VideoPreset, frameRate: Double, hlsDirectory: String?
    ) -> [RungWriter.Settings] {
        plan.steps.map { step in
            let cap = rateScale(width: step.width, height: step.height, shortSide: step.rung.shortSide, frameRate: frameRate)
            var rung = RungWriter.Settings(
                width: step.width, height: step.height, encoder: preset.video.encoder,
                speedPreset: preset.video.speedPreset, crf: preset.video.crf,
                maxrate: Int((Double(step.rung.maxrate) * cap).rounded()),
                bufsize: Int((Double(step.rung.bufsize) * cap).rounded()), gopSeconds: preset.video.gopSeconds,
                profile: preset.video.profile, extraOptions: preset.video.options)
            if let hls = preset.hls, let hlsDirectory {
                rung.hls = RungWriter.HLSTarget(
                    playlistPath: "\(hlsDirectory)/\(step.rung.name).m3u8", stem: step.rung.name,
                    segmentSeconds: hls.segmentSeconds)
            }
            return rung
        }
    }

    /// A rung's maxrate and bufsize are bits-per-pixel caps stated for 16:9 at 30 fps; the
    /// rung's real pixel count and the source's frame rate scale them (a 10 fps clip gets a
    /// third of the cap, a 4:3 one three quarters). A frame rate outside 1…60 counts as 30.
    static func rateScale(width: Int, height: Int, shortSide: Int, frameRate: Double) -> Double {
        let reference = Double(shortSide) * Double(shortSide) * 16 / 9
        let rate = (1...60).contains(frameRate) ? frameRate : 30
        return Double(width * height) / reference * rate / 30
    }

    /// The decoded duration in milliseconds (``SourceReader/decodedDurationMs()``); valid after
    /// ``run(checkpoint:)``.
    func decodedDurationMs() throws(TranscodeError) -> Int64? { try reader.decodedDurationMs() }

    /// Per rung, in plan order; valid after ``run(checkpoint:)``.
    var results: [Result] {
        writers.map { Result(videoBytes: $0.videoBytes, audioBytes: $0.audioBytes, codec: $0.codecString) }
    }

    /// Decodes the source once and finishes every file; `checkpoint` runs between packets.
    ///
    /// Decoding, audio encoding and frame sampling run on the calling thread; each rung scales,
    /// encodes and muxes on a thread of its own (``RungThread``). A failure anywhere stops
    /// the decode at the next packet; every thread has ended before this returns or throws.
    func run(checkpoint: () throws(TranscodeError) -> Void) throws(TranscodeError) {
        let failure = RungThread.Failure()
        var chain: RungThread?
        for index in Self.largestFirst(writers).reversed() {
            chain = RungThread(writer: writers[index], next: chain, failure: failure)
        }
        guard let first = chain else { return }
        let audio = self.audio
        let sampler = self.sampler
        let distribute: (Packet) throws(TranscodeError) -> Void = { packet throws(TranscodeError) in
            first.send(.audio(try packet.reference()))
        }
        do throws(TranscodeError) {
            try reader.run(
                checkpoint: { () throws(TranscodeError) in
                    try checkpoint()
                    try failure.check()
                },
                video: { frame throws(TranscodeError) in
                    try sampler?.observe(frame)
                    first.send(.video(try frame.reference(), made: []))
                },
                audio: { frame throws(TranscodeError) in
                    try audio?.encode(frame, emit: distribute)
                })
            try audio?.finish(emit: distribute)
        } catch {
            // The rungs drop what is still queued instead of encoding and flushing it.
            failure.record(error)
        }
        first.end()
        first.wait()
        try failure.check()
    }

    /// Opens every rung's encoder and files at once, each on its own thread: opening libx264
    /// allocates and clears its frame buffers (tens of milliseconds for 1080p), which would
    /// otherwise run one rung after another before the first frame is decoded. The reader and
    /// the audio encoder are only read. On failure, the writers already open are freed.
    static func openWriters(
        _ settings: [(RungWriter.Settings, String)], rotation: FrameRotation, reader: SourceReader, audio: AudioEncoder?
    ) throws(TranscodeError) -> [RungWriter] {
        try concurrently(settings.count) { index throws(TranscodeError) in
            try RungWriter(path: settings[index].1, settings: settings[index].0, rotation: rotation, reader: reader, audio: audio)
        }
    }

    /// Runs `body` for every index in `0..<count` at once, one thread each (the calling thread
    /// takes a share), and returns the values in index order; throws the error of the lowest
    /// failing index. Each call of `body` must touch only its own index's objects: the FFmpeg
    /// state it works on is not thread-safe, which is why nothing here is `Sendable`.
    private static func concurrently<Value>(
        _ count: Int, _ body: (Int) throws(TranscodeError) -> Value
    ) throws(TranscodeError) -> [Value] {
        let results = UnsafeMutableBufferPointer<Swift.Result<Value, TranscodeError>?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        withoutActuallyEscaping(body) { body in
            let shared = Unchecked(body: body, results: results)
            DispatchQueue.concurrentPerform(iterations: count) { index in
                do throws(TranscodeError) {
                    shared.results[index] = .success(try shared.body(index))
                } catch {
                    shared.results[index] = .failure(error)
                }
            }
        }
        var values: [Value] = []
        for result in results { values.append(try result!.get()) }
        return values
    }

    /// What `concurrently` hands its threads; each thread writes only its own result slot.
    private struct Unchecked<Value>: @unchecked Sendable {
        let body: (Int) throws(TranscodeError) -> Value
        let results: UnsafeMutableBufferPointer<Swift.Result<Value, TranscodeError>?>
    }

    /// Writer indices from the largest picture to the smallest.
    static func largestFirst(_ writers: [RungWriter]) -> [Int] {
        writers.indices.sorted { writers[$0].storedWidth * writers[$0].storedHeight > writers[$1].storedWidth * writers[$1].storedHeight }
    }
}
