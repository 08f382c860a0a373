import CAVCodec
import CAVFormat
import CAVUtil
import CSwResample
import CSwScale

/// An owned `AVAudioFifo` that re-chunks samples to the encoder's frame size; freed on deinit.
final class AudioFifo {
    private let fifo: OpaquePointer

    init(format: AVSampleFormat, channels: Int32) throws(TranscodeError) {
        fifo = try FFmpegCall.allocated(av_audio_fifo_alloc(format, channels, 1), "av_audio_fifo_alloc")
    }

    deinit { av_audio_fifo_free(fifo) }

    /// Samples buffered.
    var count: Int32 { av_audio_fifo_size(fifo) }

    func write(_ frame: Frame) throws(TranscodeError) {
        try FFmpegCall.check(CAVUtil_audio_fifo_write_frame(fifo, frame.pointer), "av_audio_fifo_write")
    }

    /// Reads up to `samples` into `frame` (buffers already allocated for at least that many).
    func read(into frame: Frame, samples: Int32) throws(TranscodeError) {
        let read = try FFmpegCall.check(
            CAVUtil_audio_fifo_read_frame(fifo, frame.pointer, samples), "av_audio_fifo_read")
        frame.pointer.pointee.nb_samples = read
    }
}
