import CAVCodec
import CAVFormat
import CAVUtil
import CSwResample
import CSwScale

/// An owned `AVFrame` (from `av_frame_alloc`), freed on deinit.
final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init() throws(TranscodeError) {
        pointer = try FFmpegCall.allocated(av_frame_alloc(), "av_frame_alloc")
    }

    /// A frame with its own picture buffers.
    convenience init(width: Int, height: Int, format: AVPixelFormat) throws(TranscodeError) {
        try self.init()
        pointer.pointee.width = Int32(width)
        pointer.pointee.height = Int32(height)
        pointer.pointee.format = format.rawValue
        try FFmpegCall.check(av_frame_get_buffer(pointer, 0), "av_frame_get_buffer")
    }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&frame)
    }

    var width: Int { Int(pointer.pointee.width) }
    var height: Int { Int(pointer.pointee.height) }

    /// Makes the buffers safe to write (an encoder may still hold a reference to them).
    func makeWritable() throws(TranscodeError) {
        try FFmpegCall.check(av_frame_make_writable(pointer), "av_frame_make_writable")
    }

    func unref() { av_frame_unref(pointer) }

    /// Whether no other frame references these buffers, so writing them disturbs no reader.
    var isUnshared: Bool { av_frame_is_writable(pointer) != 0 }

    /// A new frame sharing this one's picture buffers (reference-counted, no copy).
    func reference() throws(TranscodeError) -> Frame {
        let copy = try Frame()
        try FFmpegCall.check(av_frame_ref(copy.pointer, pointer), "av_frame_ref")
        return copy
    }
}
