import CAVCodec
import CAVFormat
import CAVUtil
import CSwResample
import CSwScale

/// An owned `AVPacket` (from `av_packet_alloc`), freed on deinit. Reused: unref between uses.
final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    init() throws(TranscodeError) {
        pointer = try FFmpegCall.allocated(av_packet_alloc(), "av_packet_alloc")
    }

    deinit {
        var packet: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&packet)
    }

    var streamIndex: Int { Int(pointer.pointee.stream_index) }

    /// Bytes of payload.
    var size: Int { Int(pointer.pointee.size) }

    /// Duration in the time base of the stream or encoder it belongs to (0 when unknown).
    var duration: Int64 {
        get { pointer.pointee.duration }
        set { pointer.pointee.duration = newValue }
    }

    /// Makes this (unreferenced) packet share `source`'s data (`av_packet_ref`); unref after use.
    func reference(_ source: Packet) throws(TranscodeError) {
        try FFmpegCall.check(av_packet_ref(pointer, source.pointer), "av_packet_ref")
    }

    func unref() { av_packet_unref(pointer) }

    /// A new packet sharing this one's data (reference-counted, no copy).
    func reference() throws(TranscodeError) -> Packet {
        let copy = try Packet()
        try FFmpegCall.check(av_packet_ref(copy.pointer, pointer), "av_packet_ref")
        return copy
    }
}
