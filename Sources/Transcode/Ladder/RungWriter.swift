import CAVCodec
import CAVFormat
import CAVUtil
import CSwResample
import CSwScale

/// Encodes one rung of the ladder: scale (and rotate) decoded frames, H.264 via libx264, mux MP4.
///
/// Owns its scaler, frames, encoder and output container; not thread-safe. Audio arrives as
/// packets already encoded once for all rungs (see ``AudioEncoder``).
final class RungWriter {
    /// What the rung produces.
    struct Settings {
        var width: Int
        var height: Int
        var encoder = "libx264"
        var speedPreset = "veryfast"
        var crf = 23
        var maxrate = 1_040_000
        var bufsize = 2_080_000
        var gopSeconds = 2.0
        var profile = "high"
        /// Further encoder options; any the encoder does not consume is an `invalid_preset` error.
        var extraOptions: [String: String] = [:]
    }

    let path: String
    let settings: Settings
    private let output: OutputContainer
    private let encoder: CodecContext
    private let scaler: Scaler
    private let rotation: FrameRotation
    private let scaled: Frame
    private let rotated: Frame?
    private let packet: Packet
    private let videoIndex: Int
    private let audioIndex: Int?
    private let audioTimeBase: AVRational?
    /// One nominal frame in the encoder's time base: the duration libx264 leaves unset.
    private let frameDuration: Int64
    /// Bytes of encoded video and audio written, for the manifest's bitrates.
    private(set) var videoBytes = 0
    private(set) var audioBytes = 0

    /// Opens the output and writes the MP4 header (faststart).
    ///
    /// - Parameters:
    ///   - timeBase: of the decoded frames' `pts` (the source video stream's time base).
    ///   - frameRate: the source's average frame rate (for rate control and the GOP length).
    init(
        path: String, settings: Settings, rotation: FrameRotation, timeBase: AVRational,
        frameRate: AVRational, audio: AudioEncoder?
    ) throws(TranscodeError) {
        self.path = path
        self.settings = settings
        self.rotation = rotation
        output = try OutputContainer(path: path, format: "mp4")
        encoder = try CodecContext.encoder(named: settings.encoder)
        let context = encoder.pointer
        context.pointee.width = Int32(settings.width)
        context.pointee.height = Int32(settings.height)
        context.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        context.pointee.time_base = timeBase
        context.pointee.framerate = frameRate
        context.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        if output.wantsGlobalHeader { context.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER) }
        let fps = frameRate.num > 0 && frameRate.den > 0 ? av_q2d(frameRate) : 30
        let gop = max(1, Int((fps * settings.gopSeconds).rounded()))
        var options: [(String, String)] = [
            ("preset", settings.speedPreset), ("crf", String(settings.crf)), ("g", String(gop)),
            ("maxrate", String(settings.maxrate)), ("bufsize", String(settings.bufsize)),
            ("profile", settings.profile),
        ]
        options += settings.extraOptions.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        try encoder.open(options: options)
        let perFrame = frameRate.num > 0 && frameRate.den > 0 ? av_inv_q(frameRate) : AVRational(num: 1, den: 30)
        frameDuration = max(1, av_rescale_q(1, perFrame, timeBase))
        videoIndex = try output.addStream(from: encoder)
        if let audio {
            audioIndex = try output.addStream(from: audio.encoder)
            audioTimeBase = audio.encoder.pointer.pointee.time_base
        } else {
            audioIndex = nil
            audioTimeBase = nil
        }
        // Decoded frames are scaled in their stored orientation, then turned.
        let stored = rotation.swapsDimensions
            ? (width: settings.height, height: settings.width) : (width: settings.width, height: settings.height)
        scaler = Scaler(width: stored.width, height: stored.height, format: AV_PIX_FMT_YUV420P)
        scaled = try Frame(width: stored.width, height: stored.height, format: AV_PIX_FMT_YUV420P)
        rotated = rotation.isIdentity
            ? nil : try Frame(width: settings.width, height: settings.height, format: AV_PIX_FMT_YUV420P)
        packet = try Packet()
        // bitexact: no encoder tag or creation time; nothing of the source's metadata is copied.
        try output.writeHeader(options: [("movflags", "+faststart"), ("fflags", "+bitexact")])
    }

    /// A rung fed by `reader`'s video stream (its time base and average frame rate).
    convenience init(
        path: String, settings: Settings, rotation: FrameRotation, reader: SourceReader, audio: AudioEncoder?
    ) throws(TranscodeError) {
        try self.init(
            path: path, settings: settings, rotation: rotation,
            timeBase: reader.videoStream.pointee.time_base, frameRate: reader.videoStream.pointee.avg_frame_rate,
            audio: audio)
    }

    /// Scales, rotates and encodes one decoded frame (its `pts` in the source time base).
    func encode(_ frame: Frame) throws(TranscodeError) {
        try scaled.makeWritable()
        try scaler.scale(frame, into: scaled)
        var picture = scaled
        if let rotated {
            try rotated.makeWritable()
            rotation.apply(scaled, into: rotated)
            picture = rotated
        }
        picture.pointer.pointee.pts = frame.pointer.pointee.pts
        picture.pointer.pointee.pict_type = AV_PICTURE_TYPE_NONE
        try encoder.send(frame: picture, path: path)
        try drainVideo()
    }

    /// Writes a copy of an encoded audio packet (timestamps in the audio encoder's time base).
    func write(audio source: Packet) throws(TranscodeError) {
        guard let audioIndex, let audioTimeBase else { return }
        try FFmpegCall.check(av_packet_ref(packet.pointer, source.pointer), "av_packet_ref")
        audioBytes += Int(packet.pointer.pointee.size)
        try output.write(packet, stream: audioIndex, from: audioTimeBase)
        packet.unref()
    }

    /// Flushes the encoder and writes the trailer; the file is complete afterwards.
    func finish() throws(TranscodeError) {
        try encoder.send(frame: nil, path: path)
        try drainVideo()
        try output.finish()
    }

    private func drainVideo() throws(TranscodeError) {
        while try encoder.receive(packet: packet, path: path) {
            videoBytes += Int(packet.pointer.pointee.size)
            // Without a duration the muxer shortens the last frame to nothing.
            if packet.pointer.pointee.duration <= 0 { packet.pointer.pointee.duration = frameDuration }
            try output.write(packet, stream: videoIndex, from: encoder.pointer.pointee.time_base)
            packet.unref()
        }
    }
}
