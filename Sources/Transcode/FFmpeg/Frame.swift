import CAVCodec
import CAVFormat
import CAVUtil
import CSwResample
import CSwScale

/// The pixel formats this module makes pictures in.
enum PixelFormat: Sendable {
    /// Planar YUV 4:2:0, 8 bits: what the encoder takes.
    case yuv420p
    /// Packed 8-bit RGB: snapshots for hashes and posters.
    case rgb24
    /// 8-bit grey: the brightness check.
    case gray8

    var av: AVPixelFormat {
        switch self {
        case .yuv420p: AV_PIX_FMT_YUV420P
        case .rgb24: AV_PIX_FMT_RGB24
        case .gray8: AV_PIX_FMT_GRAY8
        }
    }

    /// Bytes per pixel of a packed format (1 plane); 1 for each plane of YUV.
    var bytesPerPixel: Int { self == .rgb24 ? 3 : 1 }
}

/// An owned `AVFrame` (from `av_frame_alloc`), freed on deinit.
final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init() throws(TranscodeError) {
        pointer = try FFmpegCall.allocated(av_frame_alloc(), "av_frame_alloc")
    }

    /// A frame with its own picture buffers.
    convenience init(width: Int, height: Int, format: PixelFormat) throws(TranscodeError) {
        try self.init()
        pointer.pointee.width = Int32(width)
        pointer.pointee.height = Int32(height)
        pointer.pointee.format = format.av.rawValue
        try FFmpegCall.check(av_frame_get_buffer(pointer, 0), "av_frame_get_buffer")
    }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&frame)
    }

    var width: Int { Int(pointer.pointee.width) }
    var height: Int { Int(pointer.pointee.height) }

    /// Presentation timestamp, in the time base of the stream or encoder it belongs to.
    var pts: Int64 {
        get { pointer.pointee.pts }
        set { pointer.pointee.pts = newValue }
    }

    /// Whether the picture is `format` (a decoded frame may be any format).
    func hasFormat(_ format: PixelFormat) -> Bool { pointer.pointee.format == format.av.rawValue }

    /// Plane `index` (0…2) of the picture: its first byte and the bytes from one row to the
    /// next; nil data when the format has no such plane.
    func plane(_ index: Int) -> (data: UnsafeMutablePointer<UInt8>?, stride: Int) {
        let frame = pointer.pointee
        switch index {
        case 0: return (frame.data.0, Int(frame.linesize.0))
        case 1: return (frame.data.1, Int(frame.linesize.1))
        case 2: return (frame.data.2, Int(frame.linesize.2))
        default: return (nil, 0)
        }
    }

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
