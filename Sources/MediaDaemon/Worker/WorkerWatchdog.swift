import Thumbnail
import Transcode

/// The parent's watch over one job in a worker child: the child is killed when the job runs
/// past its `budget`, or when its progress (fraction or stage) has not changed for
/// `stallWindow` — the queue's stall rule (`JobRescuer.Configuration.stallTimeout`), applied by
/// the parent as soon as it is broken instead of at the rescuer's next pass.
///
/// The budget comes from facts the parent holds itself (the media kind, the input's size from
/// `fstat` on the descriptor it hands over, and the preset's limits); nothing the child says
/// lengthens it. A child that keeps reporting progress only postpones the stall verdict, never
/// the budget.
struct WorkerWatchdog: Sendable, CustomStringConvertible {
    /// Why the watchdog killed a child.
    enum Verdict: String, Sendable {
        /// The job ran past its budget.
        case timedOut = "timed_out"
        /// No progress for the stall window.
        case stalled
    }

    var budget: Duration
    var stallWindow: Duration

    var description: String { "budget \(budget.components.seconds) s, stall window \(stallWindow.components.seconds) s" }

    /// The queue's stall timeout, which the parent's stall window defaults to.
    static let defaultStallWindow: Duration = .seconds(600)

    /// The budget of a job of `kind` whose input has `inputBytes` bytes, under `presets`' limits.
    ///
    /// Sized for the worst input the limits let through, on a slow core, in a debug build:
    /// - photo: 30 s + 2 s per megapixel of `maxPixels` + 1 s per MiB of input (the default
    ///   50 MP limit and a 20 MB file give 30 + 100 + 19 = 149 s); a 50 MP photo takes a few
    ///   seconds in a release build.
    /// - video: 60 s + 10 s per second of `maxDurationMs`, per 1080p-equivalent of the largest
    ///   picture (`maxLongSide` × `maxShortSide`, at least one), + 1 s per MiB (the 60 s, 4K
    ///   defaults: 60 + 600 × 4 + 100 = 2560 s). The ladder encodes several rungs in parallel
    ///   at several times real time per rung.
    static func budget(kind: String, inputBytes: Int64, presets: MediaJob.Presets) -> Duration {
        let mebibytes = max(inputBytes, 0) >> 20
        if kind == "video" {
            let limits = presets.video.limits
            // Clamped (a day of video, 1024 screens) so that no preset makes the product overflow.
            let seconds = Int64(min(max(limits.maxDurationMs, 0) / 1000, 86_400))
            let picture = Int64(max(limits.maxLongSide, 0)).multipliedReportingOverflow(by: Int64(max(limits.maxShortSide, 0)))
            let screens = picture.overflow ? 1024 : min(max(1, picture.partialValue / (1920 * 1080) + (picture.partialValue % (1920 * 1080) == 0 ? 0 : 1)), 1024)
            return .seconds(60 + seconds * 10 * screens + mebibytes)
        }
        let megapixels = Int64(max(presets.photo.limits.maxPixels, 0) / 1_000_000)
        return .seconds(30 + 2 * megapixels + mebibytes)
    }

    /// The clock of one job: started at the handover, restarted by every change of progress.
    struct Watch: Sendable {
        let watchdog: WorkerWatchdog
        let started: ContinuousClock.Instant
        private(set) var lastChange: ContinuousClock.Instant
        private var last: (fraction: Double, stage: String)?

        init(_ watchdog: WorkerWatchdog, started: ContinuousClock.Instant) {
            self.watchdog = watchdog
            self.started = started
            lastChange = started
        }

        /// Notes a progress report; only a change of fraction or stage counts as progress.
        mutating func observe(fraction: Double, stage: String, at now: ContinuousClock.Instant) {
            if let last, last.fraction == fraction, last.stage == stage { return }
            last = (fraction, stage)
            lastChange = now
        }

        /// What the watchdog decides at `now`: nil while the job may go on.
        func verdict(at now: ContinuousClock.Instant) -> Verdict? {
            if now - started > watchdog.budget { return .timedOut }
            if now - lastChange > watchdog.stallWindow { return .stalled }
            return nil
        }
    }
}
