public import Foundation

/// Reads a video file's headers and checks them against limits, without decoding a frame.
public struct VideoProber: Sendable {
    /// The limits ``probe(_:)`` enforces.
    public var limits: VideoLimits

    /// A prober enforcing `limits`.
    public init(limits: VideoLimits = .default) {
        self.limits = limits
    }

    /// The container family when `url` starts like a video file we accept (`mov`, `matroska`,
    /// `avi`, `mpegts`, `flv`), else nil. Reads only the first bytes; nothing is opened by FFmpeg.
    ///
    /// ISO-BMFF images (HEIC, AVIF) also start with `ftyp` and answer `mov`: sniff images first.
    public static func sniffContainer(_ url: URL) -> String? {
        guard let format = try? FormatSniffer.sniff(url) else { return nil }
        return FormatSniffer.family(of: format)
    }

    /// Sniffs, opens and describes `url`.
    ///
    /// - Throws: ``TranscodeError`` with `too_large` (checked before opening), `unsupported_format`,
    ///   `corrupt`, `no_video_stream`, `too_long`, `too_many_pixels`, or `io`.
    public func probe(_ url: URL) throws(TranscodeError) -> VideoProbe {
        let opened = try OpenedSource(url: url, limits: limits)
        return opened.probe
    }
}
