import CAVCodec
import CAVFormat
import CAVUtil
import CSwResample
import CSwScale

/// An output file being muxed: owns the `AVFormatContext` and its `AVIOContext`.
///
/// Freed with `avio_closep` + `avformat_free_context`. Not thread-safe.
final class OutputContainer {
    let context: UnsafeMutablePointer<AVFormatContext>
    let path: String
    private var headerWritten = false

    /// Allocates a muxer for `format` (e.g. `mp4`) writing to `path`.
    init(path: String, format: String) throws(TranscodeError) {
        _ = FFmpegLog.installed
        self.path = path
        var pointer: UnsafeMutablePointer<AVFormatContext>? = nil
        try FFmpegCall.check(
            avformat_alloc_output_context2(&pointer, nil, format, path), "avformat_alloc_output_context2", path: path)
        context = try FFmpegCall.allocated(pointer, "avformat_alloc_output_context2")
    }

    deinit {
        if context.pointee.oformat.pointee.flags & CAVFormat_AVFMT_NOFILE() == 0 {
            avio_closep(&context.pointee.pb)
        }
        avformat_free_context(context)
    }

    /// Whether encoders feeding this muxer must put headers in extradata.
    var wantsGlobalHeader: Bool { context.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 }

    /// Adds a stream described by an opened encoder; returns its index.
    func addStream(from encoder: CodecContext) throws(TranscodeError) -> Int {
        let stream = try FFmpegCall.allocated(avformat_new_stream(context, nil), "avformat_new_stream")
        try FFmpegCall.check(
            avcodec_parameters_from_context(stream.pointee.codecpar, encoder.pointer),
            "avcodec_parameters_from_context", path: path)
        stream.pointee.time_base = encoder.pointer.pointee.time_base
        return Int(stream.pointee.index)
    }

    /// The time base the muxer chose for `stream` (valid after ``writeHeader(options:)``).
    func timeBase(of stream: Int) -> AVRational { context.pointee.streams[stream]!.pointee.time_base }

    /// Opens the file and writes the header; options the muxer ignores are an `invalid_preset` error.
    func writeHeader(options entries: [(String, String)]) throws(TranscodeError) {
        if context.pointee.oformat.pointee.flags & CAVFormat_AVFMT_NOFILE() == 0 {
            try FFmpegCall.check(
                avio_open(&context.pointee.pb, path, CAVFormat_AVIO_FLAG_WRITE()), "avio_open", path: path)
        }
        var options = try OptionDictionary(entries)
        try FFmpegCall.check(avformat_write_header(context, &options.pointer), "avformat_write_header", path: path)
        headerWritten = true
        let leftover = options.leftoverKeys
        guard leftover.isEmpty else {
            throw TranscodeError(.invalidPreset, "muxer did not accept option(s) \(leftover.joined(separator: ", "))")
        }
    }

    /// Writes `packet` (timestamps in `timeBase`) to `stream`, interleaving; takes the packet's data.
    func write(_ packet: Packet, stream: Int, from timeBase: Rational) throws(TranscodeError) {
        packet.pointer.pointee.stream_index = Int32(stream)
        av_packet_rescale_ts(packet.pointer, timeBase.av, self.timeBase(of: stream))
        try FFmpegCall.check(av_interleaved_write_frame(context, packet.pointer), "av_interleaved_write_frame", path: path)
    }

    /// Flushes interleaving queues and writes the trailer (for MP4 faststart: moves `moov`).
    func finish() throws(TranscodeError) {
        guard headerWritten else { return }
        try FFmpegCall.check(av_write_trailer(context), "av_write_trailer", path: path)
        headerWritten = false
    }
}
