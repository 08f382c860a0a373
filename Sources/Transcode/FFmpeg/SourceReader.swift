import CAVCodec
import CAVFormat
import CAVUtil

/// Demuxes and decodes an input once, handing every decoded video and audio frame to callbacks.
///
/// Owns the input container and its decoders; not thread-safe. Between packets it asks
/// `checkpoint` whether to go on (cancellation), and it fails with `stalled` when no frame
/// has come out for longer than `stallTimeout` (monotonic clock).
final class SourceReader {
    let input: InputContainer
    let videoStream: UnsafeMutablePointer<AVStream>
    let audioStream: UnsafeMutablePointer<AVStream>?
    private let videoDecoder: CodecContext
    private let audioDecoder: CodecContext?
    private let packet: Packet
    private let frame: Frame
    private var decodeErrors = 0
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

    /// Opens decoders for the best video stream (and audio stream, when `withAudio`) of `input`.
    init(
        container input: InputContainer, withAudio: Bool, stallTimeout: Duration = defaultStallTimeout
    ) throws(TranscodeError) {
        self.input = input
        self.stallTimeout = stallTimeout
        let path = input.path
        guard let videoIndex = input.bestStream(AVMEDIA_TYPE_VIDEO) else {
            throw TranscodeError(.noVideoStream, "\(path) has no video stream")
        }
        videoStream = input.streams[videoIndex]
        videoDecoder = try CodecContext.decoder(for: videoStream, path: path)
        if withAudio, let audioIndex = input.bestStream(AVMEDIA_TYPE_AUDIO) {
            audioStream = input.streams[audioIndex]
            audioDecoder = try CodecContext.decoder(for: input.streams[audioIndex], path: path)
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

    /// A file cut short after its index (faststart MP4) demuxes "successfully" up to the cut:
    /// compare the video actually decoded with the duration the stream declares.
    private func checkCompleteness() throws(TranscodeError) {
        let timeBase = videoStream.pointee.time_base
        guard try timeline.decodedMilliseconds(timeBase: timeBase) != nil else {
            throw TranscodeError(.corrupt, "no video frame could be decoded from \(input.path)")
        }
        if let (declaredMs, decodedMs) = try timeline.truncation(declaredDuration: videoStream.pointee.duration, timeBase: timeBase) {
            throw TranscodeError(
                .corrupt, "\(input.path) declares \(declaredMs) ms of video but only \(decodedMs) ms could be decoded (truncated?)")
        }
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
            decodeErrors += 1
            if decodeErrors > Self.maxDecodeErrors { throw error }
            return 0
        }
        var count = 0
        while try decoder.receive(frame: frame, path: input.path) {
            defer { frame.unref() }
            count += 1
            if isVideo {
                frame.pointer.pointee.pts = try timeline.videoTimestamp(
                    bestEffort: frame.pointer.pointee.best_effort_timestamp, timeBase: videoStream.pointee.time_base)
                // The decoder's I/P/B would make an encoder copy the source's frame types.
                frame.pointer.pointee.pict_type = AV_PICTURE_TYPE_NONE
            } else if let audioStream {
                frame.pointer.pointee.pts = try timeline.shifted(
                    frame.pointer.pointee.pts, timeBase: audioStream.pointee.time_base)
            }
            try emit(frame)
        }
        return count
    }
}
