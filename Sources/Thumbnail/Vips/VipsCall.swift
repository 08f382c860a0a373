import CVips
import CVipsShim
import Foundation

/// The one place that turns libvips return codes into `ThumbnailError`s.
///
/// The vips error buffer is process-global, so it is read (and cleared) right after the failing
/// call, in the same synchronous stretch; our own context (operation, input) goes in the message
/// and the return code is trusted over the buffer's text.
enum VipsCall {
    /// What a call was doing, which decides who is at fault when it fails.
    enum Stage {
        /// Reading or decoding the input: a failure means the input is corrupt.
        case decode
        /// Transforming or encoding pixels we already hold: a failure is ours.
        case process
    }

    /// Runs a C call that returns 0 or -1 and produces an image through an out-pointer.
    static func image(
        _ operation: String, input: String, stage: Stage, source: SourceBytes? = nil,
        file: String = #fileID, line: Int = #line,
        _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CVips.VipsImage>?>) -> Int32
    ) throws(ThumbnailError) -> VipsImage {
        try Vips.start()
        var out: UnsafeMutablePointer<CVips.VipsImage>?
        let mark = VipsLog.mark
        let status = body(&out)
        let libraryText = status != 0 || out == nil ? libraryMessage(since: mark) : ""
        guard status == 0, let out else {
            if let out { CVips_unref(out) }
            throw failure(operation, input: input, stage: stage, cause: libraryText, file: file, line: line)
        }
        Vips.noteCreated(out, label: input)
        return VipsImage(owning: out, source: source)
    }

    /// Runs a C encoder that returns 0 or -1 and a g_malloc'd buffer; copies it into `Data`.
    static func buffer(
        _ operation: String, input: String, stage: Stage = .process,
        file: String = #fileID, line: Int = #line,
        _ body: (UnsafeMutablePointer<UnsafeMutableRawPointer?>, UnsafeMutablePointer<Int>) -> Int32
    ) throws(ThumbnailError) -> Data {
        try buffer(operation, input: input, stage: stage, file: file, line: line, body) { Data(bytes: $0.baseAddress!, count: $0.count) }
    }

    /// As `buffer`, handing the g_malloc'd bytes to `take` (which copies what it keeps) before
    /// they are freed.
    static func buffer<Result>(
        _ operation: String, input: String, stage: Stage = .process,
        file: String = #fileID, line: Int = #line,
        _ body: (UnsafeMutablePointer<UnsafeMutableRawPointer?>, UnsafeMutablePointer<Int>) -> Int32,
        take: (UnsafeRawBufferPointer) -> Result
    ) throws(ThumbnailError) -> Result {
        try Vips.start()
        var bytes: UnsafeMutableRawPointer?
        var length = 0
        let mark = VipsLog.mark
        let status = body(&bytes, &length)
        let libraryText = status != 0 || bytes == nil ? libraryMessage(since: mark) : ""
        defer { if let bytes { CVips_gfree(bytes) } }
        guard status == 0, let bytes else {
            throw failure(operation, input: input, stage: stage, cause: libraryText, file: file, line: line)
        }
        return take(UnsafeRawBufferPointer(start: bytes, count: length))
    }

    /// The error buffer's text, or when a loader only warned (spng's "Not a PNG file" is a
    /// GLib warning, not a vips error), the warnings logged during the call.
    private static func libraryMessage(since mark: Int) -> String {
        let buffer = Vips.takeErrorBuffer()
        if !buffer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return buffer }
        return VipsLog.entries(since: mark).map(\.message).joined(separator: "; ")
    }

    /// Builds the error for a failed call; decoding failures blame the input.
    private static func failure(
        _ operation: String, input: String, stage: Stage, cause: String, file: String, line: Int
    ) -> ThumbnailError {
        let lower = cause.lowercased()
        let code: ThumbnailError.Code
        switch stage {
        case .decode where lower.contains("out of memory"):
            code = .internal
        case .decode:
            code = .corrupt
        case .process:
            code = .internal
        }
        let what = stage == .decode ? "cannot decode" : "failed on"
        return ThumbnailError(code, "\(operation) \(what) \(input)", cause: cause, file: file, line: line)
    }
}
