import CAVCodec
import CAVFormat
import CAVUtil
import CSwResample
import CSwScale

/// Encodes the source's audio once (AAC) for every rung: resample, re-chunk, encode.
///
/// Owns the encoder, resampler and FIFO; not thread-safe. Packets go to `emit`, which copies
/// them into each rung's file.
final class AudioEncoder {
    let encoder: CodecContext
    private var resampler: Resampler?
    private let fifo: AudioFifo
    private let packet: Packet
    private let sourceTimeBase: AVRational
    private var nextPts: Int64?
    private let path: String

    /// Opens an encoder (e.g. `aac`) for `channels` channels at `sampleRate` and `bitrate` bit/s.
    init(
        codec: String, bitrate: Int, channels: Int, sampleRate: Int, sourceTimeBase: Rational, path: String
    ) throws(TranscodeError) {
        self.path = path
        self.sourceTimeBase = sourceTimeBase.av
        encoder = try CodecContext.encoder(named: codec)
        let context = encoder.pointer
        av_channel_layout_default(&context.pointee.ch_layout, Int32(channels))
        context.pointee.sample_rate = Int32(sampleRate)
        context.pointee.sample_fmt = context.pointee.codec.pointee.sample_fmts?.pointee ?? AV_SAMPLE_FMT_FLTP
        context.pointee.bit_rate = Int64(bitrate)
        context.pointee.time_base = AVRational(num: 1, den: Int32(sampleRate))
        // MP4 wants codec headers in extradata.
        context.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER)
        try encoder.open(options: [])
        fifo = try AudioFifo(format: context.pointee.sample_fmt, channels: Int32(channels))
        packet = try Packet()
    }

    private var frameSize: Int32 {
        let size = encoder.pointer.pointee.frame_size
        return size > 0 ? size : 1024
    }

    /// Takes one decoded source frame; emits whatever packets are complete.
    func encode(_ frame: Frame, emit: (Packet) throws(TranscodeError) -> Void) throws(TranscodeError) {
        if nextPts == nil {
            let pts = frame.pointer.pointee.pts
            nextPts = pts == CAVUtil_NOPTS_VALUE()
                ? 0 : try SourceTimeline.rescale(pts, from: sourceTimeBase, to: encoder.pointer.pointee.time_base)
        }
        if let current = resampler, !current.accepts(frame) {
            // The source changed format mid-stream: drain the old converter, start a new one.
            if let converted = try current.convert(nil) { try fifo.write(converted) }
            resampler = nil
        }
        if resampler == nil {
            let context = encoder.pointer.pointee
            resampler = try Resampler(
                from: frame, toLayout: context.ch_layout, format: context.sample_fmt, sampleRate: context.sample_rate)
        }
        if let converted = try resampler?.convert(frame) { try fifo.write(converted) }
        try encodeBuffered(flushing: false, emit: emit)
    }

    /// Drains the resampler, encodes the partial last frame and flushes the encoder.
    func finish(emit: (Packet) throws(TranscodeError) -> Void) throws(TranscodeError) {
        if let converted = try resampler?.convert(nil) { try fifo.write(converted) }
        try encodeBuffered(flushing: true, emit: emit)
        try encoder.send(frame: nil, path: path)
        try drain(emit: emit)
    }

    private func encodeBuffered(flushing: Bool, emit: (Packet) throws(TranscodeError) -> Void) throws(TranscodeError) {
        while fifo.count >= frameSize || (flushing && fifo.count > 0) {
            let chunk = try Frame()
            let context = encoder.pointer.pointee
            chunk.pointer.pointee.nb_samples = min(frameSize, fifo.count)
            chunk.pointer.pointee.format = context.sample_fmt.rawValue
            chunk.pointer.pointee.sample_rate = context.sample_rate
            var layout = context.ch_layout
            try FFmpegCall.check(
                av_channel_layout_copy(&chunk.pointer.pointee.ch_layout, &layout), "av_channel_layout_copy")
            try FFmpegCall.check(av_frame_get_buffer(chunk.pointer, 0), "av_frame_get_buffer audio")
            try fifo.read(into: chunk, samples: chunk.pointer.pointee.nb_samples)
            let pts = nextPts ?? 0
            chunk.pointer.pointee.pts = pts
            nextPts = try SourceTimeline.advanced(pts, by: chunk.pointer.pointee.nb_samples)
            try encoder.send(frame: chunk, path: path)
            try drain(emit: emit)
        }
    }

    private func drain(emit: (Packet) throws(TranscodeError) -> Void) throws(TranscodeError) {
        while try encoder.receive(packet: packet, path: path) {
            defer { packet.unref() }
            try emit(packet)
        }
    }
}
