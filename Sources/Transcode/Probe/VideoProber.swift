public import Foundation

/// Reads a video file's headers and checks them against limits, without decoding a frame.
public struct VideoProber: Sendable {
    /// The limits ``probe(_:)`` enforces.
    public var limits: VideoLimits

    /// A prober enforcing `limits`.
    public init(limits: VideoLimits = .default) {
        self.limits = limits
    }

    /// Sniffs, opens and describes `url`.
    ///
    /// Nothing is decoded, so a file whose headers declare no duration is refused as `too_long`
    /// (``VideoPipeline`` accepts it and counts the decoded time instead).
    ///
    /// - Throws: ``TranscodeError`` with `too_large` (checked before opening), `unsupported_format`,
    ///   `corrupt`, `no_video_stream`, `too_long`, `too_many_pixels`, or `io`.
    public func probe(_ url: URL) throws(TranscodeError) -> VideoProbe {
        let opened = try OpenedSource(url: url, limits: limits, decoderCountsDuration: false)
        return opened.probe
    }
}
