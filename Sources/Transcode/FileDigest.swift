import Foundation
import Thumbnail

/// SHA-256 of a file, streamed through the photo pipeline's digest (`SHA256Digest`,
/// libcrypto) a megabyte at a time, so a video is never held in memory whole.
enum FileDigest {
    /// Lowercase hex SHA-256 of the file at `url`.
    static func sha256(of url: URL) throws(TranscodeError) -> String {
        var digest = SHA256Digest()
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                digest.update(chunk)
            }
        } catch {
            throw TranscodeError(.io, "cannot read \(url.path): \(error.localizedDescription)")
        }
        return digest.finalizeHex()
    }
}
