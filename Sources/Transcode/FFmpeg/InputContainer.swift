import CAVCodec
import CAVFormat
import CAVUtil
import CSwResample
import CSwScale

/// An opened input file: owns an `AVFormatContext` from `avformat_open_input`.
///
/// Not thread-safe: created, used and closed on one thread.
final class InputContainer {
    let context: UnsafeMutablePointer<AVFormatContext>
    let path: String

    /// Opens `path` with an already sniffed demuxer (no second probe) and reads stream info.
    ///
    /// Only the `file` protocol is allowed, so a container cannot make us open other URLs.
    init(path: String, format: UnsafePointer<AVInputFormat>) throws(TranscodeError) {
        _ = FFmpegLog.installed
        self.path = path
        var entries = [("protocol_whitelist", "file")]
        // MP4/MOV headers carry every sample's timing (stts), from which the demuxer sets the
        // frame rates. Without this, stream-info probing reads and decodes a further 20-40
        // frames just to estimate a base frame rate: 40 ms of a 1 s job for a phone clip.
        if FormatSniffer.family(of: format) == "mov" { entries.append(("fpsprobesize", "0")) }
        var options = try OptionDictionary(entries)
        var pointer: UnsafeMutablePointer<AVFormatContext>? = nil
        let opened = withUnsafeMutablePointer(to: &options.pointer) { dictionary in
            avformat_open_input(&pointer, path, format, dictionary)
        }
        try FFmpegCall.check(opened, "avformat_open_input", path: path, otherwise: .corrupt, outOfMemory: .corrupt)
        context = try FFmpegCall.allocated(pointer, "avformat_open_input")
        try FFmpegCall.check(
            avformat_find_stream_info(context, nil), "avformat_find_stream_info", path: path, otherwise: .corrupt,
            outOfMemory: .corrupt)
    }

    deinit {
        var pointer: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&pointer)
    }

    /// The streams, in container order.
    var streams: [UnsafeMutablePointer<AVStream>] {
        (0..<Int(context.pointee.nb_streams)).compactMap { context.pointee.streams[$0] }
    }

    /// The demuxer's short name list, e.g. `mov,mp4,m4a,3gp,3g2,mj2`.
    var formatName: String { String(cString: context.pointee.iformat.pointee.name) }

    /// The time base of the best video stream, or nil when there is none.
    var videoTimeBase: Rational? {
        bestStream(AVMEDIA_TYPE_VIDEO).map { Rational(streams[$0].pointee.time_base) }
    }

    /// Index of the best stream of `type`, or nil.
    func bestStream(_ type: AVMediaType) -> Int? {
        let index = av_find_best_stream(context, type, -1, -1, nil, 0)
        return index >= 0 ? Int(index) : nil
    }

    /// Reads the next packet into `packet`; false at the end of the file.
    func read(into packet: Packet) throws(TranscodeError) -> Bool {
        let result = av_read_frame(context, packet.pointer)
        if FFmpegCall.isEndOfFile(result) { return false }
        try FFmpegCall.check(result, "av_read_frame", path: path, otherwise: .corrupt, outOfMemory: .corrupt)
        return true
    }
}
