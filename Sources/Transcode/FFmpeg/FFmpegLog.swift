import Synchronization
import CAVCodec
import CAVFormat
import CAVUtil
import CSwResample
import CSwScale

/// Routes libav* log lines away from stderr into a sink the daemon can read.
///
/// `av_log` is process-global and may be called from FFmpeg's own threads, so the state lives
/// in a `Mutex`, and the C callback captures nothing.
enum FFmpegLog {
    /// Most recent lines kept for diagnostics.
    static let capacity = 64

    private struct Sink {
        var lines: [String] = []
        var handler: (@Sendable (TranscodeLog.Level, String) -> Void)?
    }

    private static let sink = Mutex(Sink())

    /// Installs the callback once; later calls are free.
    static let installed: Void = {
        av_log_set_level(AV_LOG_WARNING)
        av_log_set_callback { object, level, format, arguments in
            guard level <= av_log_get_level(), let format, let arguments else { return }
            var buffer = [CChar](repeating: 0, count: 1024)
            var printPrefix: Int32 = 1
            let written = buffer.withUnsafeMutableBufferPointer { chars in
                av_log_format_line2(object, level, format, arguments, chars.baseAddress, Int32(chars.count), &printPrefix)
            }
            guard written > 0 else { return }
            let line = buffer.withUnsafeBufferPointer { chars in chars.baseAddress.map { String(cString: $0) } }
            guard let line else { return }
            FFmpegLog.record(level: level, line: line.trimmingTrailingNewlines())
        }
    }()

    /// Sets the function that receives each line; `nil` only keeps them. Does not load FFmpeg:
    /// the callback is installed when the libraries load (``FFmpegLibraries``).
    static func setHandler(_ handler: (@Sendable (TranscodeLog.Level, String) -> Void)?) {
        sink.withLock { $0.handler = handler }
    }

    /// The last lines FFmpeg logged, oldest first.
    static func recentLines() -> [String] {
        sink.withLock { $0.lines }
    }

    private static func record(level: Int32, line: String) {
        let handler = sink.withLock { state -> (@Sendable (TranscodeLog.Level, String) -> Void)? in
            state.lines.append(line)
            if state.lines.count > capacity { state.lines.removeFirst(state.lines.count - capacity) }
            return state.handler
        }
        handler?(level <= AV_LOG_ERROR ? .error : level <= AV_LOG_WARNING ? .warning : .info, line)
    }
}

extension String {
    fileprivate func trimmingTrailingNewlines() -> String {
        var text = Substring(self)
        while text.last == "\n" || text.last == "\r" { text = text.dropLast() }
        return String(text)
    }
}
