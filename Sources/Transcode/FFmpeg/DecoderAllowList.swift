import CAVCodec
import CAVFormat

/// The codecs we decode, as the sniffing table is the list of demuxers we open.
///
/// FFmpeg ships hundreds of decoders, most of them for rare formats that see little hostile
/// testing; a container may name any of them. Only the codecs of phone, camera and web video
/// are opened; anything else is `unsupported_format` before a packet is decoded.
enum DecoderAllowList {
    /// Video codecs, by FFmpeg's codec name (`flv1`: Sorenson H.263, the codec of old FLV files).
    static let video: Set<String> = [
        "h264", "hevc", "vp8", "vp9", "av1", "mpeg4", "mpeg2video", "mpeg1video", "h263", "flv1", "mjpeg",
    ]
    /// Audio codecs, by FFmpeg's codec name.
    static let audio: Set<String> = [
        "aac", "mp3", "mp2", "opus", "vorbis", "flac", "alac", "ac3", "eac3",
        "pcm_s16le", "pcm_s16be", "pcm_s24le", "pcm_s32le", "pcm_f32le", "pcm_u8", "pcm_alaw", "pcm_mulaw",
        "amr_nb", "amr_wb",
    ]

    /// Throws `unsupported_format` unless `parameters` name an allowed codec of their media type.
    static func check(_ parameters: UnsafePointer<AVCodecParameters>, path: String) throws(TranscodeError) {
        let name = String(cString: avcodec_get_name(parameters.pointee.codec_id))
        let allowed: Set<String>
        switch parameters.pointee.codec_type {
        case AVMEDIA_TYPE_VIDEO: allowed = video
        case AVMEDIA_TYPE_AUDIO: allowed = audio
        default: allowed = []
        }
        guard allowed.contains(name) else {
            throw TranscodeError(.unsupportedFormat, "\(path) uses codec \(name), which is not decoded here")
        }
    }
}
