import Foundation
import CAVCodec
import CAVFormat
import CAVUtil
import CSwResample
import CSwScale

/// SHA-256 of a file, streamed through libavutil's `AVSHA` (no extra dependency).
enum FileDigest {
    /// Lowercase hex SHA-256 of the file at `url`.
    static func sha256(of url: URL) throws(TranscodeError) -> String {
        guard let context = av_sha_alloc() else {
            throw TranscodeError(.internal, "av_sha_alloc failed")
        }
        defer { av_free(UnsafeMutableRawPointer(context)) }
        try FFmpegCall.check(av_sha_init(context, 256), "av_sha_init")
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                chunk.withUnsafeBytes { bytes in
                    av_sha_update(context, bytes.bindMemory(to: UInt8.self).baseAddress, bytes.count)
                }
            }
        } catch {
            throw TranscodeError(.io, "cannot read \(url.path): \(error.localizedDescription)")
        }
        var digest = [UInt8](repeating: 0, count: 32)
        av_sha_final(context, &digest)
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
