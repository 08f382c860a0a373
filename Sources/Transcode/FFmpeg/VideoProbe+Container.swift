import CAVCodec
import CAVFormat
import CAVUtil
import CSwResample
import CSwScale

extension VideoProbe {
    /// Reads the facts from an opened container (headers and stream info only); a video or
    /// audio codec off ``DecoderAllowList`` is `unsupported_format`.
    init(container input: InputContainer, bytes: Int) throws(TranscodeError) {
        guard let videoIndex = input.bestStream(AVMEDIA_TYPE_VIDEO) else {
            throw TranscodeError(.noVideoStream, "\(input.path) has no video stream")
        }
        let streams = input.streams
        let videoStream = streams[videoIndex]
        video = VideoStreamInfo(stream: videoStream)
        guard video.width > 0, video.height > 0 else {
            throw TranscodeError(.corrupt, "\(input.path) declares a \(video.width)x\(video.height) video stream")
        }
        // Refused here, before anything is decoded (the decoders check again when they open).
        try DecoderAllowList.check(videoStream.pointee.codecpar, path: input.path)
        let audioIndex = input.bestStream(AVMEDIA_TYPE_AUDIO)
        if let audioIndex { try DecoderAllowList.check(streams[audioIndex].pointee.codecpar, path: input.path) }
        audio = audioIndex.map { AudioStreamInfo(stream: streams[$0]) }
        self.streams = streams.enumerated().map { index, stream in
            let parameters = stream.pointee.codecpar.pointee
            let kind = av_get_media_type_string(parameters.codec_type).map { String(cString: $0) } ?? "unknown"
            return StreamInfo(index: index, kind: kind, codec: Self.codecName(parameters.codec_id))
        }
        self.bytes = bytes
        container = Self.containerName(input)
        let context = input.context.pointee
        if context.duration > 0 && context.duration != CAVUtil_NOPTS_VALUE() {
            durationMs = Int(av_rescale(context.duration, 1000, Int64(CAVUtil_TIME_BASE())))
        } else if videoStream.pointee.duration > 0 {
            // Checked: FFmpeg's rescale can wrap a duration near 2^63 into a negative one.
            durationMs = Int(try SourceTimeline.rescale(
                videoStream.pointee.duration, from: videoStream.pointee.time_base, to: AVRational(num: 1, den: 1000)))
        } else {
            durationMs = 0
        }
    }

    static func codecName(_ id: AVCodecID) -> String { String(cString: avcodec_get_name(id)) }

    /// A single name for the demuxer (`mov,mp4,…` becomes `mp4`, or `mov` for QuickTime brands).
    private static func containerName(_ input: InputContainer) -> String {
        let name = input.formatName
        switch name {
        case "mov,mp4,m4a,3gp,3g2,mj2":
            let brand = av_dict_get(input.context.pointee.metadata, "major_brand", nil, 0)
                .map { String(cString: $0.pointee.value) }
            return brand == "qt  " ? "mov" : "mp4"
        case "matroska,webm":
            return "matroska"
        default:
            return name
        }
    }
}

extension VideoStreamInfo {
    init(stream: UnsafeMutablePointer<AVStream>) {
        let parameters = stream.pointee.codecpar.pointee
        codec = VideoProbe.codecName(parameters.codec_id)
        width = Int(parameters.width)
        height = Int(parameters.height)
        rotation = Self.rotation(of: stream)
        var aspect = av_guess_sample_aspect_ratio(nil, stream, nil)
        if aspect.num <= 0 || aspect.den <= 0 { aspect = AVRational(num: 1, den: 1) }
        var reduced = AVRational()
        av_reduce(&reduced.num, &reduced.den, Int64(aspect.num), Int64(aspect.den), Int64(Int32.max))
        sampleAspectRatio = "\(reduced.num):\(reduced.den)"
        let shownWidth = Int((Double(width) * av_q2d(reduced)).rounded())
        let swaps = rotation == 90 || rotation == 270
        displayWidth = swaps ? height : shownWidth
        displayHeight = swaps ? shownWidth : height
        let average = stream.pointee.avg_frame_rate
        let base = stream.pointee.r_frame_rate
        frameRate = average.den > 0 && average.num > 0 ? av_q2d(average) : 0
        baseFrameRate = base.den > 0 && base.num > 0 ? av_q2d(base) : 0
        isVariableFrameRate = frameRate > 0 && baseFrameRate > 0 && abs(frameRate - baseFrameRate) > 0.01
    }

    /// Clockwise degrees from the display matrix, snapped to a quarter turn.
    private static func rotation(of stream: UnsafeMutablePointer<AVStream>) -> Int {
        var size: Int = 0
        guard let data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size),
            size >= 9 * MemoryLayout<Int32>.size
        else { return 0 }
        let counterclockwise = data.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_get($0) }
        guard counterclockwise.isFinite else { return 0 }
        let quarterTurns = Int((-counterclockwise / 90).rounded())
        return ((quarterTurns % 4 + 4) % 4) * 90
    }
}

extension AudioStreamInfo {
    init(stream: UnsafeMutablePointer<AVStream>) {
        let parameters = stream.pointee.codecpar.pointee
        codec = VideoProbe.codecName(parameters.codec_id)
        sampleRate = Int(parameters.sample_rate)
        channels = Int(parameters.ch_layout.nb_channels)
    }
}
