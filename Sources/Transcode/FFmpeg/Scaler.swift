import CAVCodec
import CAVFormat
import CAVUtil
import CSwResample
import CSwScale

/// An owned `SwsContext` converting frames to one size and pixel format; freed on deinit.
///
/// Rebuilt when the source frame's geometry or format changes mid-stream.
final class Scaler {
    private var context: OpaquePointer?
    private var source: (width: Int32, height: Int32, format: Int32) = (0, 0, -1)
    let width: Int
    let height: Int
    let format: PixelFormat

    init(width: Int, height: Int, format: PixelFormat) {
        self.width = width
        self.height = height
        self.format = format
    }

    deinit { sws_freeContext(context) }

    /// Scales `input` into `output` (whose buffers must be writable and sized for this scaler).
    func scale(_ input: Frame, into output: Frame) throws(TranscodeError) {
        let frame = input.pointer.pointee
        if context == nil || source != (frame.width, frame.height, frame.format) {
            sws_freeContext(context)
            context = sws_getContext(
                frame.width, frame.height, AVPixelFormat(frame.format),
                Int32(width), Int32(height), format.av,
                Int32(SWS_BICUBIC), nil, nil, nil)
            source = (frame.width, frame.height, frame.format)
            guard context != nil else {
                throw TranscodeError(
                    .internal, "sws_getContext failed for \(frame.width)x\(frame.height) format \(frame.format)")
            }
        }
        try FFmpegCall.check(sws_scale_frame(context, output.pointer, input.pointer), "sws_scale_frame")
    }
}
