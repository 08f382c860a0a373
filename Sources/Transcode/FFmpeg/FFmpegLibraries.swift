import CFFmpegLoader

/// FFmpeg's libraries, loaded into the process when the first video needs them.
///
/// The executable does not link FFmpeg: binding libavcodec, libavformat and the codec libraries
/// they pull in was most of every start-up, paid by runs that never meet a video. Each entry
/// point that reaches libav* (opening a source, checking a preset's encoders) calls ``load()``
/// first, so a missing or mismatched installation fails that job as `internal` instead of
/// aborting; the C functions Swift calls forward to the loaded ones (`CFFmpegLoader.h`).
public enum FFmpegLibraries {
    /// The outcome of the one load this process makes (a `static let` runs once, thread-safely).
    private static let loaded: Result<Void, TranscodeError> = {
        var message = [CChar](repeating: 0, count: 512)
        let status = message.withUnsafeMutableBufferPointer { CFFmpegLoader_load($0.baseAddress, $0.count) }
        guard status == 0 else {
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return .failure(TranscodeError(.internal, "FFmpeg's libraries cannot be loaded: \(reason)"))
        }
        // Log lines go to FFmpegLog from the first call on, not to stderr.
        _ = FFmpegLog.installed
        return .success(())
    }()

    /// Loads the libraries (once per process). Throws `internal` when they cannot be loaded.
    /// `serve` calls it at start, so a machine without FFmpeg stops it there rather than
    /// failing each video job.
    public static func load() throws(TranscodeError) {
        try loaded.get()
    }

    /// Whether FFmpeg is in this process yet.
    static var isLoaded: Bool { CFFmpegLoader_isLoaded() != 0 }
}
