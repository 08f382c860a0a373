import CDispatch  // `struct stat` is attributed to CDispatch under MemberImportVisibility
import Foundation
import Glibc

/// An input file that passed sniffing and every limit: its container is open, nothing decoded.
///
/// The order is the point: size from the file system, then the container's magic bytes, then
/// headers, then limits; decoding starts only after all of them pass.
final class OpenedSource {
    let container: InputContainer
    let probe: VideoProbe
    /// The limits checked here, which the reader keeps enforcing on decoded frames.
    let limits: VideoLimits

    /// Opens `url` and checks it against `limits`. `decoderCountsDuration` says the frames will
    /// be decoded by a ``SourceReader`` (which stops at the duration limit), so a file whose
    /// headers declare no duration may pass; a probe alone refuses it.
    init(url: URL, limits: VideoLimits, decoderCountsDuration: Bool) throws(TranscodeError) {
        self.limits = limits
        let path = url.path
        // stat, not FileManager's lstat: a worker child opens its input as /proc/self/fd/N, a
        // link whose own size is not the file's.
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw TranscodeError(.io, "cannot stat \(path): \(String(cString: strerror(errno)))")
        }
        let bytes = Int(info.st_size)
        try limits.check(bytes: bytes, path: path)
        try FFmpegLibraries.load()
        let format = try FormatSniffer.sniff(url)
        container = try InputContainer(path: path, format: format)
        probe = try VideoProbe(container: container, bytes: bytes)
        try limits.check(probe, path: path, decoderCountsDuration: decoderCountsDuration)
    }
}
