import CAVCodec
import CAVFormat
import CAVUtil

/// Demuxes and decodes an input once, handing every decoded video and audio frame to callbacks.
///
/// Owns the input container and its decoders; not thread-safe. Between packets it asks
/// `checkpoint` whether to go on (cancellation), and it fails with `stalled` when no frame
/// has come out for longer than `stallTimeout` (monotonic clock).
///
/// The source's limits hold for what is decoded, not only for the headers: decoding stops with
/// `too_long` as soon as the decoded video or audio passes the duration limit (the headers may
/// declare no duration, or a false one), and with `too_many_pixels` when a picture is larger
/// than allowed (the size can change mid-stream); the decoder's `max_pixels` refuses to
/// allocate such a picture in the first place.
final class SourceReader {
    let input: InputContainer
    let videoStream: UnsafeMutablePointer<AVStream>
    let audioStream: UnsafeMutablePointer<AVStream>?
    private let videoDecoder: CodecContext
    private let audioDecoder: CodecContext?
    private let packet: Packet
    private let frame: Frame
    private var decodeErrors = 0
    private let limits: VideoLimits
    /// Start time, first and last video timestamps, with checked arithmetic.
    private var timeline: SourceTimeline
    /// How long reading and decoding may go on without a frame coming out.
    private let stallTimeout: Duration

    /// The default ``stallTimeout``: far beyond any real decoder's delay.
    static let defaultStallTimeout = Duration.seconds(30)
    /// Damaged packets tolerated (each is logged by FFmpeg) before the input counts as `corrupt`.
    static let maxDecodeErrors = 16

    /// The video stream's time base (of the `pts` of the frames handed on).
    var videoTimeBase: Rational { Rational(videoStream.pointee.time_base) }
    /// The video stream's average frame rate (0/0 or 0/1 when unknown).
    var videoFrameRate: Rational { Rational(videoStream.pointee.avg_frame_rate) }
    /// The audio stream's time base, when audio is decoded.
    var audioTimeBase: Rational? { audioStream.map { Rational($0.pointee.time_base) } }

    /// How long the decoded media lasts, in milliseconds: the first to the last video frame
    /// plus one frame period (the last frame is shown for one), or the decoded audio when it is
    /// longer. Nil before any video frame. For a file whose headers declare no duration this is
    /// the only duration there is; valid after ``run(checkpoint:video:audio:)``.
    func decodedDurationMs() throws(TranscodeError) -> Int64? {
        guard let videoMs = try timeline.decodedMilliseconds(timeBase: videoStream.pointee.time_base) else { return nil }
        let rate = videoStream.pointee.avg_frame_rate
        // A frame period of at most a second: a rate below 1 fps is a broken header.
        let periodMs = rate.num > 0 && rate.den > 0 ? min(1000, Int64((1000 * Double(rate.den) / Double(rate.num)).rounded())) : 0
        let audioMs = try audioStream.flatMap { stream throws(TranscodeError) in
            try timeline.decodedAudioMilliseconds(timeBase: stream.pointee.time_base)
        }
        return max(videoMs.addingReportingOverflow(periodMs).partialValue, audioMs ?? 0)
    }

    /// Opens decoders for the best video stream (and audio stream, when `withAudio`) of the
    /// source's container; the source's limits bound what they decode.
    init(
        source: OpenedSource, withAudio: Bool, stallTimeout: Duration = defaultStallTimeout
    ) throws(TranscodeError) {
        let input = source.container
        self.input = input
        limits = source.limits
        self.stallTimeout = stallTimeout
        let path = input.path
        guard let videoIndex = input.bestStream(AVMEDIA_TYPE_VIDEO) else {
            throw TranscodeError(.noVideoStream, "\(path) has no video stream")
        }
        videoStream = input.streams[videoIndex]
        let maxPixels = Self.pixelBudget(limits)
        videoDecoder = try CodecContext.decoder(for: videoStream, maxPixels: maxPixels, path: path)
        if withAudio, let audioIndex = input.bestStream(AVMEDIA_TYPE_AUDIO) {
            audioStream = input.streams[audioIndex]
            audioDecoder = try CodecContext.decoder(for: input.streams[audioIndex], maxPixels: maxPixels, path: path)
        } else {
            audioStream = nil
            audioDecoder = nil
        }
        packet = try Packet()
        frame = try Frame()
        timeline = SourceTimeline(containerStart: input.context.pointee.start_time)
    }

    /// Reads the whole input; `video` gets frames with `pts` set (in the video stream's time
    /// base) and no picture type, `audio` gets decoded audio frames. Frames are only valid
    /// during the callback.
    func run(
        checkpoint: () throws(TranscodeError) -> Void,
        video: (Frame) throws(TranscodeError) -> Void,
        audio: (Frame) throws(TranscodeError) -> Void
    ) throws(TranscodeError) {
        let path = input.path
        let clock = ContinuousClock()
        // Progress is a frame handed on; the time its consumers take (encoding) does not count.
        var lastProgress = clock.now
        while try input.read(into: packet) {
            defer { packet.unref() }
            try checkpoint()
            let index = packet.streamIndex
            var produced = 0
            if index == Int(videoStream.pointee.index) {
                produced = try decode(packet, with: videoDecoder, emit: video, isVideo: true)
            } else if let audioStream, let audioDecoder, index == Int(audioStream.pointee.index) {
                produced = try decode(packet, with: audioDecoder, emit: audio, isVideo: false)
            } else {
                continue
            }
            if produced > 0 {
                lastProgress = clock.now
            } else if clock.now - lastProgress > stallTimeout {
                throw TranscodeError(.stalled, "no frame decoded from \(path) for more than \(stallTimeout)")
            }
        }
        try checkpoint()
        _ = try decode(nil, with: videoDecoder, emit: video, isVideo: true)
        if let audioDecoder {
            _ = try decode(nil, with: audioDecoder, emit: audio, isVideo: false)
        }
        try checkCompleteness()
    }

    /// The decoder's `max_pixels` for `limits`: every picture within them, in either
    /// orientation, with room for the decoder aligning the width of its buffers (FFmpeg checks
    /// the width rounded up to its stride alignment, at most 64).
    static func pixelBudget(_ limits: VideoLimits) -> Int64 {
        let long = Int64(clamping: limits.maxLongSide).addingReportingOverflow(64)
        let short = Int64(clamping: limits.maxShortSide).addingReportingOverflow(64)
        let area = long.partialValue.multipliedReportingOverflow(by: short.partialValue)
        return long.overflow || short.overflow || area.overflow ? Int64.max : area.partialValue
    }

    /// A file cut short (a faststart MP4 after its index, a Matroska file anywhere) demuxes
    /// "successfully" up to the cut: compare what was decoded with the declared duration. The
    /// video stream's own duration is compared with the video; without one (Matroska), the
    /// container's is compared with the longer of video and audio, with a wide margin, and only
    /// when the audio was decoded too (a soundtrack may legitimately outlast the pictures).
    private func checkCompleteness() throws(TranscodeError) {
        let timeBase = videoStream.pointee.time_base
        guard let videoMs = try timeline.decodedMilliseconds(timeBase: timeBase) else {
            throw TranscodeError(.corrupt, "no video frame could be decoded from \(input.path)")
        }
        if videoStream.pointee.duration > 0 {
            if let (declaredMs, decodedMs) = try timeline.truncation(declaredDuration: videoStream.pointee.duration, timeBase: timeBase) {
                throw TranscodeError(
                    .corrupt, "\(input.path) declares \(declaredMs) ms of video but only \(decodedMs) ms could be decoded (truncated?)")
            }
            return
        }
        let audioMs: Int64?
        if let audioStream {
            audioMs = try timeline.decodedAudioMilliseconds(timeBase: audioStream.pointee.time_base)
        } else {
            guard input.bestStream(AVMEDIA_TYPE_AUDIO) == nil else { return }
            audioMs = nil
        }
        let decodedMs = max(videoMs, audioMs ?? 0)
        if let declaredMs = try timeline.containerTruncation(declaredDuration: input.context.pointee.duration, decodedMs: decodedMs) {
            throw TranscodeError(
                .corrupt, "\(input.path) declares \(declaredMs) ms but only \(decodedMs) ms could be decoded (truncated?)")
        }
    }

    /// Throws `too_many_pixels` when the decoder's picture size (after a new sequence header) is
    /// over the limits: a decoding failure then means a picture `max_pixels` refused.
    private func checkPictureSize(_ decoder: CodecContext) throws(TranscodeError) {
        let context = decoder.pointer.pointee
        try limits.check(width: Int(context.width), height: Int(context.height), path: input.path)
        try limits.check(width: Int(context.coded_width), height: Int(context.coded_height), path: input.path)
    }

    /// Sends one packet (nil = flush) and emits every frame that comes out; returns how many.
    private func decode(
        _ packet: Packet?,
        with decoder: CodecContext,
        emit: (Frame) throws(TranscodeError) -> Void,
        isVideo: Bool
    ) throws(TranscodeError) -> Int {
        do {
            _ = try decoder.send(packet: packet, path: input.path)
        } catch where error.code == .corrupt {
            if isVideo { try checkPictureSize(decoder) }
            decodeErrors += 1
            if decodeErrors > Self.maxDecodeErrors { throw error }
            return 0
        }
        var count = 0
        while try receive(from: decoder, isVideo: isVideo) {
            defer { frame.unref() }
            count += 1
            if isVideo {
                try limits.check(width: Int(frame.pointer.pointee.width), height: Int(frame.pointer.pointee.height), path: input.path)
                frame.pointer.pointee.pts = try timeline.videoTimestamp(
                    bestEffort: frame.pointer.pointee.best_effort_timestamp, timeBase: videoStream.pointee.time_base)
                if let decodedMs = try timeline.decodedMilliseconds(timeBase: videoStream.pointee.time_base) {
                    try limits.check(decodedMs: decodedMs, path: input.path)
                }
                // The decoder's I/P/B would make an encoder copy the source's frame types.
                frame.pointer.pointee.pict_type = AV_PICTURE_TYPE_NONE
            } else if let audioStream {
                let timeBase = audioStream.pointee.time_base
                frame.pointer.pointee.pts = try timeline.audioTimestamp(frame.pointer.pointee.pts, timeBase: timeBase)
                if let decodedMs = try timeline.decodedAudioMilliseconds(timeBase: timeBase) {
                    try limits.check(decodedMs: decodedMs, path: input.path)
                }
            }
            try emit(frame)
        }
        return count
    }

    /// Receives one frame into `frame`; a video decoding failure is first checked for a picture
    /// over the size limits.
    private func receive(from decoder: CodecContext, isVideo: Bool) throws(TranscodeError) -> Bool {
        do {
            return try decoder.receive(frame: frame, path: input.path)
        } catch where error.code == .corrupt && isVideo {
            try checkPictureSize(decoder)
            throw error
        }
    }
}
