import CAVCodec
import CAVUtil

extension CodecContext {
    /// Sets what a rung's H.264 encoder needs before ``open(options:)``: the picture size in
    /// YUV 4:2:0 with square pixels, the frames' time base and frame rate, SPS/PPS in
    /// extradata (MP4 and fMP4 segments both want them), and x264's own thread count.
    func configureVideo(width: Int, height: Int, timeBase: Rational, frameRate: Rational) {
        let context = pointer
        context.pointee.width = Int32(width)
        context.pointee.height = Int32(height)
        context.pointee.pix_fmt = PixelFormat.yuv420p.av
        context.pointee.time_base = timeBase.av
        context.pointee.framerate = frameRate.av
        context.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        context.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER)
        // x264's own thread count (frame threads + lookahead), as the ffmpeg CLI asks for: the
        // library default of one thread encodes on the calling thread, one rung after another.
        // A `threads` entry in the preset's options overrides it.
        context.pointee.thread_count = 0
    }

    /// The time base of the encoder's packets.
    var timeBase: Rational { Rational(pointer.pointee.time_base) }

    /// A copy of the codec's global headers (for H.264, the SPS and PPS); empty when none.
    var extradata: [UInt8] {
        let context = pointer.pointee
        guard let bytes = context.extradata, context.extradata_size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: bytes, count: Int(context.extradata_size)))
    }
}
