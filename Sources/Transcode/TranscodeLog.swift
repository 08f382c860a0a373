/// Where FFmpeg's own log lines go (they never reach stderr).
///
/// libav* logging is process-wide: lines from concurrent jobs interleave, so use them for
/// diagnostics, never to classify a failure (``TranscodeError`` does that).
public enum TranscodeLog {
    /// Severity of a line.
    public enum Level: Sendable, Equatable {
        case error
        case warning
        case info
    }

    /// Sends every FFmpeg line at warning level or above to `handler` (called on FFmpeg's
    /// threads, so it must be thread-safe); `nil` stops forwarding.
    public static func setHandler(_ handler: (@Sendable (Level, String) -> Void)?) {
        FFmpegLog.setHandler(handler)
    }

    /// The most recent lines FFmpeg logged (up to 64), oldest first.
    public static func recentLines() -> [String] {
        FFmpegLog.recentLines()
    }
}
