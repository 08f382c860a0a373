import CAVCodec
import CAVFormat
import CAVUtil
import CSwResample
import CSwScale
import Dispatch
import Synchronization

/// One decode feeding every rung: each video frame is scaled per rung, audio is encoded once
/// and its packets are copied into every rung's MP4.
///
/// Owns the reader, the audio encoder and the rung writers; everything is created, run and
/// freed on the calling thread.
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
            container: source.container, withAudio: source.probe.hasAudio, stallTimeout: stallTimeout)
        self.reader = reader
        if let audioStream = reader.audioStream {
            audio = try AudioEncoder(
                codec: preset.audio.encoder, bitrate: preset.audio.bitrate, channels: preset.audio.channels,
                sampleRate: preset.audio.sampleRate, sourceTimeBase: audioStream.pointee.time_base,
                path: source.container.path)
        } else {
            audio = nil
        }
        let rotation = FrameRotation(clockwiseDegrees: source.probe.video.rotation)
        var settings: [(RungWriter.Settings, String)] = []
        for (step, path) in zip(plan.steps, outputs) {
            let cap = Self.rateScale(width: step.width, height: step.height, shortSide: step.rung.shortSide,
                                     frameRate: source.probe.video.frameRate)
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
            settings.append((rung, path))
        }
        writers = try Self.openWriters(settings, rotation: rotation, reader: reader, audio: audio)
    }

    /// A rung's maxrate and bufsize are bits-per-pixel caps stated for 16:9 at 30 fps; the
    /// rung's real pixel count and the source's frame rate scale them (a 10 fps clip gets a
    /// third of the cap, a 4:3 one three quarters). A frame rate outside 1…60 counts as 30.
    static func rateScale(width: Int, height: Int, shortSide: Int, frameRate: Double) -> Double {
        let reference = Double(shortSide) * Double(shortSide) * 16 / 9
        let rate = (1...60).contains(frameRate) ? frameRate : 30
        return Double(width * height) / reference * rate / 30
    }

    /// Per rung, in plan order; valid after ``run(checkpoint:)``.
    var results: [Result] {
        writers.map { Result(videoBytes: $0.videoBytes, audioBytes: $0.audioBytes, codec: $0.codecString) }
    }

    /// Decodes the source once and finishes every file; `checkpoint` runs between packets.
    func run(checkpoint: () throws(TranscodeError) -> Void) throws(TranscodeError) {
        let writers = self.writers
        let order = Self.largestFirst(writers)
        let audio = self.audio
        let sampler = self.sampler
        let distribute: (Packet) throws(TranscodeError) -> Void = { packet throws(TranscodeError) in
            for writer in writers { try writer.write(audio: packet) }
        }
        try reader.run(
            checkpoint: checkpoint,
            video: { frame throws(TranscodeError) in
                try sampler?.observe(frame)
                try Self.encode(frame, writers: writers, order: order)
            },
            audio: { frame throws(TranscodeError) in
                try audio?.encode(frame, emit: distribute)
            })
        try audio?.finish(emit: distribute)
        try Self.finish(writers)
    }

    /// Opens every rung's encoder and files at once, each on its own thread: opening libx264
    /// allocates and clears its frame buffers (tens of milliseconds for 1080p), which would
    /// otherwise run one rung after another before the first frame is decoded. The reader and
    /// the audio encoder are only read. On failure, the writers already open are freed.
    static func openWriters(
        _ settings: [(RungWriter.Settings, String)], rotation: FrameRotation, reader: SourceReader, audio: AudioEncoder?
    ) throws(TranscodeError) -> [RungWriter] {
        let shared = UncheckedInputs(reader: reader, audio: audio)
        let opened = Mutex<[Int: Swift.Result<UncheckedWriters, TranscodeError>]>([:])
        DispatchQueue.concurrentPerform(iterations: settings.count) { index in
            let (rung, path) = settings[index]
            let result: Swift.Result<UncheckedWriters, TranscodeError>
            do throws(TranscodeError) {
                result = .success(UncheckedWriters([
                    try RungWriter(path: path, settings: rung, rotation: rotation, reader: shared.reader, audio: shared.audio)
                ]))
            } catch {
                result = .failure(error)
            }
            opened.withLock { $0[index] = result }
        }
        let results = opened.withLock { all in settings.indices.map { all[$0]! } }
        var writers: [RungWriter] = []
        for result in results { writers += try result.get().writers }
        return writers
    }

    /// What the opening threads read: the source's streams and the shared audio encoder.
    private struct UncheckedInputs: @unchecked Sendable {
        let reader: SourceReader
        let audio: AudioEncoder?
    }

    /// Flushes every rung at once, each on its own thread: a flush drains the frames x264 still
    /// holds (lookahead, B-frames, frame threads) with less parallelism than the steady state,
    /// so flushing one rung after another leaves a core idle at the end. Each writer is only
    /// touched by its own thread; the first error (in rung order) is thrown.
    static func finish(_ writers: [RungWriter]) throws(TranscodeError) {
        let shared = UncheckedWriters(writers)
        let errors = Mutex<[Int: TranscodeError]>([:])
        DispatchQueue.concurrentPerform(iterations: writers.count) { index in
            do throws(TranscodeError) {
                try shared.writers[index].finish()
            } catch {
                errors.withLock { $0[index] = error }
            }
        }
        if let first = errors.withLock({ $0.min { $0.key < $1.key }?.value }) { throw first }
    }

    /// Hands the writers to the flush threads, one writer per thread.
    private struct UncheckedWriters: @unchecked Sendable {
        let writers: [RungWriter]
        init(_ writers: [RungWriter]) { self.writers = writers }
    }

    /// Writer indices from the largest picture to the smallest.
    static func largestFirst(_ writers: [RungWriter]) -> [Int] {
        writers.indices.sorted { writers[$0].storedWidth * writers[$0].storedHeight > writers[$1].storedWidth * writers[$1].storedHeight }
    }

    /// Encodes `frame` in every rung, largest first: each rung scales from the smallest
    /// picture already made that covers it (the decoded frame for the largest), so 360p is
    /// scaled from 720p's picture rather than from the 1080p source.
    static func encode(_ frame: Frame, writers: [RungWriter], order: [Int]) throws(TranscodeError) {
        var made: [Frame] = []
        made.reserveCapacity(order.count)
        for index in order {
            let writer = writers[index]
            let source = made.last { $0.width >= writer.storedWidth && $0.height >= writer.storedHeight }
            made.append(try writer.encode(frame, scalingFrom: source))
        }
    }
}
