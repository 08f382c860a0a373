/// Encodes one rung of the ladder: scale (and rotate) decoded frames, H.264 via libx264, then
/// mux the same packets into an MP4 and, optionally, an HLS media playlist with its segments.
///
/// Owns its scaler, frames, encoder and output containers; not thread-safe. Audio arrives as
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
        /// Also write HLS, when set.
        var hls: HLSTarget?
    }

    /// Where a rung's HLS media playlist and segments go.
    struct HLSTarget {
        /// Path of the media playlist (`…/720.m3u8`); segments are written next to it.
        var playlistPath: String
        /// File stem for the init segment and media segments (`720` → `720_init.mp4`, `720_000.m4s`).
        var stem: String
        /// Target segment length; segments cut at keyframes.
        var segmentSeconds: Double
    }

    let path: String
    let settings: Settings
    private let outputs: [OutputContainer]
    private let encoder: CodecContext
    private let scaler: Scaler
    private let rotation: FrameRotation
    /// Pictures this rung scales into. One handed to a smaller rung stays there until that
    /// rung has scaled from it, so each frame takes a picture nobody else holds (a new one
    /// when all are held; a chain of rungs needs a few).
    private var pictures: [Frame] = []
    /// The size this rung encodes in the frames' stored orientation (before rotation).
    let storedWidth: Int
    let storedHeight: Int
    private let rotated: Frame?
    private let packet: Packet
    private let copy: Packet
    private let videoIndex: Int
    private let audioIndex: Int?
    private let audioTimeBase: Rational?
    /// One nominal frame in the encoder's time base: the duration libx264 leaves unset.
    private let frameDuration: Int64
    /// Bytes of encoded video and audio written, for the manifest's bitrates.
    private(set) var videoBytes = 0
    private(set) var audioBytes = 0

    /// Opens the outputs and writes their headers.
    ///
    /// - Parameters:
    ///   - timeBase: of the decoded frames' `pts` (the source video stream's time base).
    ///   - frameRate: the source's average frame rate (for rate control and the GOP length).
    init(
        path: String, settings: Settings, rotation: FrameRotation, timeBase: Rational,
        frameRate: Rational, audio: AudioEncoder?
    ) throws(TranscodeError) {
        self.path = path
        self.settings = settings
        self.rotation = rotation
        let mp4 = try OutputContainer(path: path, format: "mp4")
        var outputs = [mp4]
        if let hls = settings.hls { outputs.append(try OutputContainer(path: hls.playlistPath, format: "hls")) }
        self.outputs = outputs
        encoder = try Self.openEncoder(settings, timeBase: timeBase, frameRate: frameRate)
        let perFrame = frameRate.isPositive ? frameRate.inverse : Rational(1, 30)
        frameDuration = max(1, perFrame.rescale(1, to: timeBase))
        var videoIndex = 0
        var audioIndex: Int?
        for output in outputs {
            videoIndex = try output.addStream(from: encoder)
            if let audio { audioIndex = try output.addStream(from: audio.encoder) }
        }
        self.videoIndex = videoIndex
        self.audioIndex = audioIndex
        audioTimeBase = audio?.encoder.timeBase
        // Decoded frames are scaled in their stored orientation, then turned.
        let stored = rotation.swapsDimensions
            ? (width: settings.height, height: settings.width) : (width: settings.width, height: settings.height)
        scaler = Scaler(width: stored.width, height: stored.height, format: .yuv420p)
        storedWidth = stored.width
        storedHeight = stored.height
        rotated = rotation.isIdentity
            ? nil : try Frame(width: settings.width, height: settings.height, format: .yuv420p)
        packet = try Packet()
        copy = try Packet()
        // bitexact: no encoder tag or creation time; nothing of the source's metadata is copied.
        try mp4.writeHeader(options: [("movflags", "+faststart"), ("fflags", "+bitexact")])
        if let hls = settings.hls, let playlist = outputs.last {
            let directory = String(hls.playlistPath.prefix(upTo: hls.playlistPath.lastIndex(of: "/") ?? hls.playlistPath.startIndex))
            let prefix = directory.isEmpty ? "" : directory + "/"
            try playlist.writeHeader(options: [
                ("hls_time", String(hls.segmentSeconds)), ("hls_playlist_type", "vod"),
                ("hls_segment_type", "fmp4"), ("hls_fmp4_init_filename", "\(hls.stem)_init.mp4"),
                ("hls_segment_filename", "\(prefix)\(hls.stem)_%03d.m4s"), ("hls_flags", "independent_segments"),
                ("fflags", "+bitexact"),
            ])
        }
    }

    /// A rung fed by `reader`'s video stream (its time base and average frame rate).
    convenience init(
        path: String, settings: Settings, rotation: FrameRotation, reader: SourceReader, audio: AudioEncoder?
    ) throws(TranscodeError) {
        try self.init(
            path: path, settings: settings, rotation: rotation,
            timeBase: reader.videoTimeBase, frameRate: reader.videoFrameRate,
            audio: audio)
    }

    /// The RFC 6381 codec string of the encoded video (`avc1.64001f`), from the SPS in extradata.
    var codecString: String {
        let extradata = encoder.extradata
        guard !extradata.isEmpty else { return "avc1.640028" }
        return extradata.withUnsafeBufferPointer { H264Parameters.codecString(extradata: $0) } ?? "avc1.640028"
    }

    /// Scales, rotates and encodes one decoded frame (as ``SourceReader`` hands it on):
    /// ``picture(of:scalingFrom:)`` then ``encode(picture:)``.
    ///
    /// Returns the picture encoded, before rotation.
    @discardableResult
    func encode(_ frame: Frame, scalingFrom source: Frame? = nil) throws(TranscodeError) -> Frame {
        let picture = try picture(of: frame, scalingFrom: source)
        try encode(picture: picture)
        return picture
    }

    /// Of the pictures larger rungs already made of a frame (largest first), the smallest that
    /// covers this rung: the one cheapest to scale from. Nil when none does (scale the frame).
    func scalingSource(among made: [Frame]) -> Frame? {
        made.last { $0.width >= storedWidth && $0.height >= storedHeight }
    }

    /// The upright picture this rung encodes for `frame`.
    ///
    /// The pixels come from `source` when given: a larger rung's picture of the same frame,
    /// already scaled, which costs less to scale again than the decoded frame (720p → 360p
    /// reads 44 % of the pixels 1080p → 360p does, with a filter half as wide). A picture
    /// already at the rung's size in YUV 4:2:0 is returned as it is, as ffmpeg's scale filter
    /// passes such frames through: libx264 copies the picture in anyway, so a swscale copy
    /// would only cost time. Otherwise it is one of this rung's pictures, with the frame's
    /// `pts`, which is not written again while a reference to it (``Frame/reference()``) is held.
    ///
    /// `frame` and `source` are only read: other rungs may be reading them at the same time.
    func picture(of frame: Frame, scalingFrom source: Frame? = nil) throws(TranscodeError) -> Frame {
        let input = source ?? frame
        guard !isAtRungSize(input) else { return input }
        let scaled = try unheldPicture()
        try scaler.scale(input, into: scaled)
        scaled.pts = frame.pts
        return scaled
    }

    /// Rotates (when the source is turned) and encodes `upright`, a picture from
    /// ``picture(of:scalingFrom:)``, writing whatever packets come out. `upright` is only read:
    /// another rung may be scaling from it meanwhile.
    func encode(picture upright: Frame) throws(TranscodeError) {
        var picture = upright
        if let rotated {
            try rotated.makeWritable()
            rotation.apply(upright, into: rotated)
            rotated.pts = upright.pts
            picture = rotated
        }
        try encoder.send(frame: picture, path: path)
        try drainVideo()
    }

    /// Whether `frame` has the stored size and pixel format this rung encodes.
    private func isAtRungSize(_ frame: Frame) -> Bool {
        frame.width == storedWidth && frame.height == storedHeight && frame.hasFormat(.yuv420p)
    }

    /// A picture of the rung's stored size whose buffers no one else references.
    private func unheldPicture() throws(TranscodeError) -> Frame {
        if let free = pictures.first(where: \.isUnshared) { return free }
        let picture = try Frame(width: storedWidth, height: storedHeight, format: .yuv420p)
        pictures.append(picture)
        return picture
    }

    /// Writes an encoded audio packet (timestamps in the audio encoder's time base); the caller keeps it.
    func write(audio source: Packet) throws(TranscodeError) {
        guard let audioIndex, let audioTimeBase else { return }
        audioBytes += source.size
        try writeEverywhere(source, stream: audioIndex, timeBase: audioTimeBase)
    }

    /// Flushes the encoder and writes the trailers; the files are complete afterwards.
    func finish() throws(TranscodeError) {
        try encoder.send(frame: nil, path: path)
        try drainVideo()
        for output in outputs { try output.finish() }
    }

    private func drainVideo() throws(TranscodeError) {
        while try encoder.receive(packet: packet, path: path) {
            defer { packet.unref() }
            videoBytes += packet.size
            // Without a duration the muxer shortens the last frame to nothing.
            if packet.duration <= 0 { packet.duration = frameDuration }
            try writeEverywhere(packet, stream: videoIndex, timeBase: encoder.timeBase)
        }
    }

    /// Muxers take ownership of what they are given, so each gets its own reference.
    private func writeEverywhere(_ source: Packet, stream: Int, timeBase: Rational) throws(TranscodeError) {
        for output in outputs {
            try copy.reference(source)
            defer { copy.unref() }
            try output.write(copy, stream: stream, from: timeBase)
        }
    }
}
