import CAVCodec
import CAVFormat
import CAVUtil
import CSwResample
import CSwScale

/// The only place that turns libav* return codes into ``TranscodeError``.
///
/// Every call site names its operation (and the file it concerns) so the error says where it
/// happened; FFmpeg's own text comes from `av_strerror` and travels as the error's cause.
enum FFmpegCall {
    /// Returns `result` when it is not negative; otherwise throws a classified error.
    ///
    /// - Parameters:
    ///   - invalidData: the code for `AVERROR_INVALIDDATA`/`AVERROR_EOF` here (a file nobody
    ///     recognises is `unsupported_format`, a recognised one that breaks is `corrupt`).
    ///   - otherwise: the code for anything unclassified. Decoders and demuxers report damaged
    ///     data with many codes (`-1`, `EINVAL`, `AVERROR_PATCHWELCOME`…), so their calls pass
    ///     `corrupt`; I/O errors are classified before this applies.
    ///   - outOfMemory: the code for `AVERROR(ENOMEM)`: ours, except where a damaged header makes
    ///     a demuxer ask for an absurd allocation (opening and reading input pass `corrupt`).
    @discardableResult
    static func check(
        _ result: Int32,
        _ operation: String,
        path: String? = nil,
        invalidData: TranscodeError.Code = .corrupt,
        otherwise: TranscodeError.Code = .internal,
        outOfMemory: TranscodeError.Code = .internal,
        file: String = #fileID,
        line: Int = #line
    ) throws(TranscodeError) -> Int32 {
        guard result < 0 else { return result }
        throw error(
            result, operation, path: path,
            code: classify(result, invalidData: invalidData, otherwise: otherwise, outOfMemory: outOfMemory),
            file: file, line: line)
    }

    /// Unwraps what an allocating call returned; `nil` means out of memory (or a bad argument).
    static func allocated<Pointer>(
        _ pointer: Pointer?,
        _ operation: String,
        file: String = #fileID,
        line: Int = #line
    ) throws(TranscodeError) -> Pointer {
        guard let pointer else {
            throw error(CAVUtil_AVERROR_ENOMEM(), operation, path: nil, code: .internal, file: file, line: line)
        }
        return pointer
    }

    /// FFmpeg's description of an error code.
    static func errorText(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        return buffer.withUnsafeMutableBufferPointer { chars in
            guard let base = chars.baseAddress else { return "error \(code)" }
            if av_strerror(code, base, chars.count) < 0 {
                return "unknown FFmpeg error \(code)"
            }
            return String(cString: base)
        }
    }

    /// Whether `result` is `AVERROR(EAGAIN)` (send/receive wants the other side first).
    static func isAgain(_ result: Int32) -> Bool { result == CAVUtil_AVERROR_EAGAIN() }

    /// Whether `result` is `AVERROR_EOF`.
    static func isEndOfFile(_ result: Int32) -> Bool { result == CAVUtil_AVERROR_EOF() }

    /// The error for a negative `result`, classified as `code` by the caller.
    private static func error(
        _ result: Int32, _ operation: String, path: String?, code: TranscodeError.Code, file: String, line: Int
    ) -> TranscodeError {
        let text = errorText(result)
        var message = "\(operation) failed"
        if let path { message += " for \(path)" }
        message += ": \(text)"
        return TranscodeError(code, message, cause: .init(code: result, message: text), file: file, line: line)
    }

    private static func classify(
        _ result: Int32, invalidData: TranscodeError.Code, otherwise: TranscodeError.Code,
        outOfMemory: TranscodeError.Code
    ) -> TranscodeError.Code {
        switch result {
        case CAVUtil_AVERROR_ENOMEM():
            return outOfMemory
        case CAVUtil_AVERROR_INVALIDDATA(), CAVUtil_AVERROR_EOF():
            return invalidData
        case CAVUtil_AVERROR_DECODER_NOT_FOUND(), CAVUtil_AVERROR_DEMUXER_NOT_FOUND():
            return .unsupportedFormat
        case CAVUtil_AVERROR_STREAM_NOT_FOUND():
            return .noVideoStream
        case CAVUtil_AVERROR(ENOENT), CAVUtil_AVERROR(EACCES), CAVUtil_AVERROR(EIO),
            CAVUtil_AVERROR(ENOSPC), CAVUtil_AVERROR(EROFS):
            return .io
        default:
            return otherwise
        }
    }
}
