import Foundation
import Testing
import Thumbnail
import Transcode

@testable import MediaDaemon

/// The parent's per-job watchdog: a budget from facts the parent holds, and the stall rule.
@Suite("worker watchdog")
struct WorkerWatchdogTests {
    private let start = ContinuousClock.now

    @Test func aJobPastItsBudgetTimesOutEvenWhileItReportsProgress() {
        var watch = WorkerWatchdog.Watch(WorkerWatchdog(budget: .seconds(10), stallWindow: .seconds(4)), started: start)
        // Progress every 3 s keeps the stall rule quiet; the budget still ends the job.
        for second in stride(from: 3, through: 9, by: 3) {
            watch.observe(fraction: Double(second) / 10, stage: "decoding", at: start + .seconds(second))
            #expect(watch.verdict(at: start + .seconds(second)) == nil)
        }
        #expect(watch.verdict(at: start + .seconds(10)) == nil)
        #expect(watch.verdict(at: start + .milliseconds(10_001)) == .timedOut)
    }

    @Test func progressThatStandsStillForTheWindowIsAStall() {
        var watch = WorkerWatchdog.Watch(WorkerWatchdog(budget: .seconds(100), stallWindow: .seconds(5)), started: start)
        watch.observe(fraction: 0, stage: "decoding", at: start + .seconds(1))
        // The same report again is not progress: the window runs from its first arrival.
        watch.observe(fraction: 0, stage: "decoding", at: start + .seconds(4))
        #expect(watch.verdict(at: start + .seconds(6)) == nil)
        #expect(watch.verdict(at: start + .milliseconds(6_001)) == .stalled)
        // A new stage counts as progress and restarts the window.
        watch.observe(fraction: 0, stage: "encoding", at: start + .seconds(6))
        #expect(watch.verdict(at: start + .seconds(10)) == nil)
        #expect(watch.verdict(at: start + .seconds(12)) == .stalled)
    }

    @Test func aSilentChildStallsFromTheHandover() {
        let watch = WorkerWatchdog.Watch(WorkerWatchdog(budget: .seconds(100), stallWindow: .seconds(5)), started: start)
        #expect(watch.verdict(at: start + .seconds(5)) == nil)
        #expect(watch.verdict(at: start + .seconds(6)) == .stalled)
    }

    @Test func theBudgetGrowsWithTheLimitsAndTheInputNotWithAnythingTheChildSays() {
        var presets = MediaJob.Presets()
        presets.photo.limits.maxPixels = 10_000_000
        presets.video.limits.maxDurationMs = 30_000
        presets.video.limits.maxLongSide = 1920
        presets.video.limits.maxShortSide = 1080
        // Photo: 30 s + 2 s × 10 MP + 1 s per MiB (3 MiB).
        #expect(WorkerWatchdog.budget(kind: "photo", inputBytes: 3 << 20, presets: presets) == .seconds(30 + 20 + 3))
        // Video: 60 s + 10 s × 30 s of one 1080p screen + 1 s per MiB (8 MiB).
        #expect(WorkerWatchdog.budget(kind: "video", inputBytes: 8 << 20, presets: presets) == .seconds(60 + 300 + 8))
        // Twice the pixels of 1080p (rounded up to whole screens) doubles the per-second part.
        presets.video.limits.maxLongSide = 2560
        presets.video.limits.maxShortSide = 1440
        #expect(WorkerWatchdog.budget(kind: "video", inputBytes: 0, presets: presets) == .seconds(60 + 600))
        // Limits at their extremes give a finite budget.
        presets.video.limits.maxLongSide = .max
        presets.video.limits.maxShortSide = .max
        presets.video.limits.maxDurationMs = .max
        #expect(WorkerWatchdog.budget(kind: "video", inputBytes: .max, presets: presets) > .seconds(60))
    }

    @Test func aFixedTimeoutReplacesTheDerivedBudget() {
        var configuration = WorkerPool.Configuration.current()
        configuration.jobTimeout = .seconds(3)
        configuration.stallTimeout = .seconds(2)
        let watchdog = configuration.watchdog(kind: "video", inputBytes: 1 << 30, presets: MediaJob.Presets())
        #expect(watchdog.budget == .seconds(3))
        #expect(watchdog.stallWindow == .seconds(2))
        // The queue's stall timeout (10 minutes) is the default window.
        #expect(WorkerPool.Configuration.current().stallTimeout == .seconds(600))
    }
}
