import CAVCodec
import CAVFormat
import CAVUtil
import CSwResample
import CSwScale

/// An owned `SwrContext` converting decoded audio to the encoder's layout, format and rate.
///
/// Freed with `swr_free`. Not thread-safe.
final class Resampler {
    private var context: OpaquePointer?
    let sampleRate: Int32
    let format: AVSampleFormat
    private var layout: AVChannelLayout
    /// Format, rate and channel count of the input this converter was built for.
    private let input: (format: Int32, sampleRate: Int32, channels: Int32)

    /// Builds a converter from `source` frames' parameters to the given output.
    init(from source: Frame, toLayout layout: AVChannelLayout, format: AVSampleFormat, sampleRate: Int32) throws(TranscodeError) {
        self.sampleRate = sampleRate
        self.format = format
        self.layout = layout
        var inputLayout = source.pointer.pointee.ch_layout
        input = Self.signature(of: source)
        try FFmpegCall.check(
            swr_alloc_set_opts2(
                &context, &self.layout, format, sampleRate,
                &inputLayout, AVSampleFormat(source.pointer.pointee.format), source.pointer.pointee.sample_rate,
                0, nil),
            "swr_alloc_set_opts2")
        try FFmpegCall.check(swr_init(context), "swr_init")
    }

    deinit { swr_free(&context) }

    /// Whether `frame` has the format, rate and channel count this converter expects
    /// (streams may change them mid-way; a new converter is needed then).
    func accepts(_ frame: Frame) -> Bool { Self.signature(of: frame) == input }

    private static func signature(of frame: Frame) -> (format: Int32, sampleRate: Int32, channels: Int32) {
        let value = frame.pointer.pointee
        return (value.format, value.sample_rate, value.ch_layout.nb_channels)
    }

    /// Converts `input` (nil drains buffered samples); returns a frame, or nil when nothing came out.
    func convert(_ input: Frame?) throws(TranscodeError) -> Frame? {
        let inputSamples = input?.pointer.pointee.nb_samples ?? 0
        let capacity = swr_get_out_samples(context, inputSamples)
        try FFmpegCall.check(capacity, "swr_get_out_samples")
        guard capacity > 0 else { return nil }
        let output = try Frame()
        output.pointer.pointee.nb_samples = capacity
        output.pointer.pointee.format = format.rawValue
        output.pointer.pointee.sample_rate = sampleRate
        try FFmpegCall.check(av_channel_layout_copy(&output.pointer.pointee.ch_layout, &layout), "av_channel_layout_copy")
        try FFmpegCall.check(av_frame_get_buffer(output.pointer, 0), "av_frame_get_buffer audio")
        try FFmpegCall.check(swr_convert_frame(context, output.pointer, input?.pointer), "swr_convert_frame")
        return output.pointer.pointee.nb_samples > 0 ? output : nil
    }
}
