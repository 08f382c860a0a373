import Thumbnail

/// Watches the decoded video go by and keeps what the manifest needs besides the ladder:
/// one PDQ hash per interval (default each second) and a poster frame.
///
/// The poster is the first frame at or after the target time (1 s, or mid-video for shorter
/// clips) that is not black; when every later frame is black, the frame at the target time.
/// Owns its scalers; not thread-safe.
final class FrameSampler {
    /// Longest side of the frames hashed (PDQ downsamples to 64×64 itself; this bounds the cost).
    static let hashLongSide = 512
    /// Mean grey level (0…255) above which a frame is not black.
    static let blackThreshold = 24.0

    private let timeBase: Rational
    private let hashInterval: Int
    private let posterAtMs: Int
    private let hasher: SnapshotMaker
    private let poster: SnapshotMaker
    private let brightness: SnapshotMaker
    private var firstPts: Int64?
    private var nextHashMs = 0
    private(set) var frameHashes: [(timeMs: Int, hash: PDQHash)] = []
    /// The chosen poster, or the fallback while none is chosen: a reference to the decoded
    /// frame (no copy), turned into pixels only once it is the one used.
    private var candidate: (frame: Frame, timeMs: Int)?
    private var chosen: FrameSnapshot?
    private var posterIsFinal = false
    /// Called once, on the decoding thread, when the poster is settled (a non-black frame at or
    /// after the target time); not called when the clip ends first.
    var onPosterChosen: ((FrameSnapshot) -> Void)?

    /// - Parameters:
    ///   - displayWidth/displayHeight: upright size of the video (posters are taken at this size).
    ///   - durationMs: the probed duration, to aim the poster at mid-video in short clips.
    init(
        timeBase: Rational, displayWidth: Int, displayHeight: Int, rotation: FrameRotation, durationMs: Int,
        hashIntervalMs: Int, posterAtMs: Int
    ) throws(TranscodeError) {
        self.timeBase = timeBase
        hashInterval = max(1, hashIntervalMs)
        self.posterAtMs = durationMs > 0 ? min(posterAtMs, durationMs / 2) : 0
        let longSide = max(displayWidth, displayHeight)
        let scale = min(1, Double(Self.hashLongSide) / Double(max(1, longSide)))
        hasher = try SnapshotMaker(
            width: max(1, Int((Double(displayWidth) * scale).rounded())),
            height: max(1, Int((Double(displayHeight) * scale).rounded())), rotation: rotation)
        poster = try SnapshotMaker(width: displayWidth, height: displayHeight, rotation: rotation)
        brightness = try SnapshotMaker(
            width: 32, height: 32, rotation: FrameRotation(clockwiseDegrees: 0), format: .gray8)
    }

    /// A sampler for `source`'s video stream with the preset's settings.
    convenience init(source: OpenedSource, sampling: VideoPreset.FrameSampling) throws(TranscodeError) {
        let video = source.probe.video
        guard let timeBase = source.container.videoTimeBase else {
            throw TranscodeError(.noVideoStream, "\(source.container.path) has no video stream")
        }
        try self.init(
            timeBase: timeBase, displayWidth: video.displayWidth,
            displayHeight: video.displayHeight, rotation: FrameRotation(clockwiseDegrees: video.rotation),
            durationMs: source.probe.durationMs, hashIntervalMs: sampling.hashIntervalMs,
            posterAtMs: sampling.posterAtMs)
    }

    /// Looks at one decoded frame (its `pts` in the video stream's time base).
    func observe(_ frame: Frame) throws(TranscodeError) {
        let pts = frame.pts
        let first = firstPts ?? pts
        firstPts = first
        let timeMs = Int(try SourceTimeline.milliseconds(from: first, to: pts, timeBase: timeBase))
        if timeMs >= nextHashMs {
            let pixels = try hasher.pixels(of: frame)
            frameHashes.append((timeMs, PDQ.hash(pixels: pixels, width: hasher.width, height: hasher.height, bands: 3)))
            // The next multiple of the interval; past Int.max (a hostile timestamp) none is due.
            let next = (timeMs / hashInterval * hashInterval).addingReportingOverflow(hashInterval)
            nextHashMs = next.overflow ? Int.max : next.partialValue
        }
        guard !posterIsFinal else { return }
        let reachedTarget = timeMs >= posterAtMs
        if candidate == nil || (reachedTarget && (candidate?.timeMs ?? 0) < posterAtMs) {
            // Fallback: the first frame, replaced by the first frame at the target time.
            candidate = (try frame.reference(), timeMs)
        }
        if reachedTarget, try meanGrey(frame) > Self.blackThreshold {
            candidate = nil
            let snapshot = try snapshot(frame, timeMs: timeMs)
            chosen = snapshot
            posterIsFinal = true
            onPosterChosen?(snapshot)
        }
    }

    /// The chosen poster, else the fallback (converted now); nil before any frame.
    func posterFrame() throws(TranscodeError) -> FrameSnapshot? {
        if let chosen { return chosen }
        guard let candidate else { return nil }
        let snapshot = try snapshot(candidate.frame, timeMs: candidate.timeMs)
        chosen = snapshot
        self.candidate = nil
        return snapshot
    }

    private func snapshot(_ frame: Frame, timeMs: Int) throws(TranscodeError) -> FrameSnapshot {
        FrameSnapshot(pixels: try poster.pixels(of: frame), width: poster.width, height: poster.height, timeMs: timeMs)
    }

    private func meanGrey(_ frame: Frame) throws(TranscodeError) -> Double {
        let grey = try brightness.pixels(of: frame)
        return Double(grey.reduce(0) { $0 + Int($1) }) / Double(max(1, grey.count))
    }
}
