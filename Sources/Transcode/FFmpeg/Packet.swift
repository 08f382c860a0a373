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

    func unref() { av_packet_unref(pointer) }

    /// A new packet sharing this one's data (reference-counted, no copy).
    func reference() throws(TranscodeError) -> Packet {
        let copy = try Packet()
        try FFmpegCall.check(av_packet_ref(copy.pointer, pointer), "av_packet_ref")
        return copy
    }
}
