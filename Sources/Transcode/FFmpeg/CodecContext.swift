import CAVCodec
import CAVFormat
import CAVUtil
import CSwResample
import CSwScale

/// An owned `AVCodecContext` (decoder or encoder), freed with `avcodec_free_context`.
///
/// Not thread-safe: created, used and freed on one thread.
final class CodecContext {
    let pointer: UnsafeMutablePointer<AVCodecContext>
    /// What this context does, for error messages ("decoder h264", "encoder libx264").
    let role: String
    /// How unclassified failures count: a decoder failing means damaged input, an encoder failing is ours.
    private let failure: TranscodeError.Code

    private init(codec: UnsafePointer<AVCodec>, role: String, failure: TranscodeError.Code) throws(TranscodeError) {
        pointer = try FFmpegCall.allocated(avcodec_alloc_context3(codec), "avcodec_alloc_context3 \(role)")
        self.role = role
        self.failure = failure
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = pointer
        avcodec_free_context(&context)
    }

    /// An opened decoder for `stream`; a codec off ``DecoderAllowList`` or one FFmpeg cannot
    /// decode is `unsupported_format`. `maxPixels` bounds every picture the decoder allocates
    /// (`max_pixels`): a larger one fails to decode instead of being allocated.
    static func decoder(
        for stream: UnsafeMutablePointer<AVStream>, maxPixels: Int64, path: String
    ) throws(TranscodeError) -> CodecContext {
        guard let parameters = stream.pointee.codecpar else {
            throw TranscodeError(.corrupt, "stream \(stream.pointee.index) of \(path) has no codec parameters")
        }
        try DecoderAllowList.check(parameters, path: path)
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            let name = String(cString: avcodec_get_name(parameters.pointee.codec_id))
            throw TranscodeError(.unsupportedFormat, "no decoder for codec \(name) in \(path)")
        }
        let context = try CodecContext(
            codec: codec, role: "decoder \(String(cString: codec.pointee.name))", failure: .corrupt)
        try FFmpegCall.check(
            avcodec_parameters_to_context(context.pointer, parameters), "avcodec_parameters_to_context", path: path)
        context.pointer.pointee.pkt_timebase = stream.pointee.time_base
        context.pointer.pointee.max_pixels = maxPixels
        // As many decoding threads as cores (the library default is one).
        context.pointer.pointee.thread_count = 0
        var options = try OptionDictionary()
        try FFmpegCall.check(
            avcodec_open2(context.pointer, codec, &options.pointer), "avcodec_open2 \(context.role)", path: path,
            invalidData: .unsupportedFormat, otherwise: .corrupt)
        return context
    }

    /// An encoder by name (`libx264`, `aac`), allocated but not opened: set fields, then ``open(options:)``.
    static func encoder(named name: String) throws(TranscodeError) -> CodecContext {
        guard let codec = avcodec_find_encoder_by_name(name) else {
            throw TranscodeError(.internal, "encoder \(name) is not available in this FFmpeg build")
        }
        return try CodecContext(codec: codec, role: "encoder \(name)", failure: .internal)
    }

    /// Opens the encoder with `options`; any option it did not consume is an `invalid_preset` error.
    func open(options entries: [(String, String)]) throws(TranscodeError) {
        var options = try OptionDictionary(entries)
        try FFmpegCall.check(avcodec_open2(pointer, pointer.pointee.codec, &options.pointer), "avcodec_open2 \(role)")
        let leftover = options.leftoverKeys
        guard leftover.isEmpty else {
            throw TranscodeError(
                .invalidPreset, "\(role) did not accept option(s) \(leftover.joined(separator: ", "))")
        }
    }

    /// Sends a packet (nil flushes); returns false when the decoder wants frames drained first.
    func send(packet: Packet?, path: String) throws(TranscodeError) -> Bool {
        let result = avcodec_send_packet(pointer, packet?.pointer)
        if FFmpegCall.isAgain(result) { return false }
        if FFmpegCall.isEndOfFile(result) { return true }
        try FFmpegCall.check(result, "avcodec_send_packet \(role)", path: path, otherwise: failure)
        return true
    }

    /// Receives one decoded frame; false when none is ready (again or end of stream).
    func receive(frame: Frame, path: String) throws(TranscodeError) -> Bool {
        let result = avcodec_receive_frame(pointer, frame.pointer)
        if FFmpegCall.isAgain(result) || FFmpegCall.isEndOfFile(result) { return false }
        try FFmpegCall.check(result, "avcodec_receive_frame \(role)", path: path, otherwise: failure)
        return true
    }

    /// Sends a frame to an encoder (nil flushes).
    func send(frame: Frame?, path: String) throws(TranscodeError) {
        let result = avcodec_send_frame(pointer, frame?.pointer)
        if FFmpegCall.isEndOfFile(result) { return }
        try FFmpegCall.check(result, "avcodec_send_frame \(role)", path: path, otherwise: failure)
    }

    /// Receives one encoded packet; false when none is ready (again or end of stream).
    func receive(packet: Packet, path: String) throws(TranscodeError) -> Bool {
        let result = avcodec_receive_packet(pointer, packet.pointer)
        if FFmpegCall.isAgain(result) || FFmpegCall.isEndOfFile(result) { return false }
        try FFmpegCall.check(result, "avcodec_receive_packet \(role)", path: path, otherwise: failure)
        return true
    }
}
