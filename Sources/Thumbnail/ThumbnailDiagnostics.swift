/// Messages libvips logged (GLib warnings such as "premature end of JPEG file"), captured
/// instead of being written to stderr, for the daemon to pass to its logger.
public enum ThumbnailDiagnostics {
    /// Returns and clears the captured warnings, oldest first (at most the last 256 are kept).
    /// Process-wide: messages from concurrent jobs are interleaved.
    public static func drainWarnings() -> [String] {
        VipsLog.drain().map(\.message)
    }
}
