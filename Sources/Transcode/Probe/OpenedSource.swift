import Foundation

/// An input file that passed sniffing and every limit: its container is open, nothing decoded.
///
/// The order is the point: size from the file system, then the container's magic bytes, then
/// headers, then limits; decoding starts only after all of them pass.
final class OpenedSource {
    let container: InputContainer
    let probe: VideoProbe

    init(url: URL, limits: VideoLimits) throws(TranscodeError) {
        let path = url.path
        let bytes: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            bytes = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw TranscodeError(.io, "cannot stat \(path): \(error.localizedDescription)")
        }
        try limits.check(bytes: bytes, path: path)
        let format = try FormatSniffer.sniff(url)
        container = try InputContainer(path: path, format: format)
        probe = try VideoProbe(container: container, bytes: bytes)
        try limits.check(probe, path: path)
    }
}
