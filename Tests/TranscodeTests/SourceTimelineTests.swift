import CAVCodec
import CAVUtil
import Testing
import Thumbnail

@testable import Transcode

extension TranscodeSuite {
    /// The reader's timestamp arithmetic on container values near ±2^63: each step gives the
    /// value worked out by hand here, or `corrupt` where the true value leaves `Int64`.
    @Suite struct SourceTimelineTests {
        static let mpegTS = AVRational(num: 1, den: 90000)
        static let nanoseconds = AVRational(num: 1, den: 1_000_000_000)

        private static func expectCorrupt(_ body: () throws(TranscodeError) -> Any) {
            do {
                let value = try body()
                Issue.record("expected corrupt, got \(value)")
            } catch {
                #expect(error.code == .corrupt)
                #expect(error.disposition == .badInput)
            }
        }

        @Test func startTimeIsSubtractedInTheStreamTimeBase() throws {
            // 1.4 s is 126000 ticks of 1/90000 s.
            let timeline = SourceTimeline(containerStart: 1_400_000)
            #expect(try timeline.shifted(200_000, timeBase: Self.mpegTS) == 74_000)
            #expect(try timeline.shifted(CAVUtil_NOPTS_VALUE(), timeBase: Self.mpegTS) == CAVUtil_NOPTS_VALUE())
            #expect(SourceTimeline(containerStart: CAVUtil_NOPTS_VALUE()).startTime == 0)
        }

        @Test func shiftingPastInt64MinIsCorrupt() {
            let timeline = SourceTimeline(containerStart: 1_400_000)
            Self.expectCorrupt { () throws(TranscodeError) in try timeline.shifted(Int64.min + 1, timeBase: Self.mpegTS) }
        }

        /// A start time of 2^62 µs is 2^62 × 1000 ns: FFmpeg's 64-bit path would wrap it.
        @Test func startTimeThatDoesNotFitTheStreamTimeBaseIsCorrupt() {
            let timeline = SourceTimeline(containerStart: 1 << 62)
            Self.expectCorrupt { () throws(TranscodeError) in try timeline.shifted(0, timeBase: Self.nanoseconds) }
        }

        @Test func timeBaseWithoutPositiveDenominatorIsCorrupt() {
            let timeline = SourceTimeline(containerStart: 1_000)
            Self.expectCorrupt { () throws(TranscodeError) in try timeline.shifted(5, timeBase: AVRational(num: 1, den: 0)) }
        }

        @Test func videoTimestampsRiseUntilInt64RunsOut() throws {
            var timeline = SourceTimeline(containerStart: 0)
            #expect(try timeline.videoTimestamp(bestEffort: CAVUtil_NOPTS_VALUE(), timeBase: Self.mpegTS) == 0)
            #expect(try timeline.videoTimestamp(bestEffort: CAVUtil_NOPTS_VALUE(), timeBase: Self.mpegTS) == 1)
            #expect(try timeline.videoTimestamp(bestEffort: Int64.max - 1, timeBase: Self.mpegTS) == Int64.max - 1)
            #expect(try timeline.videoTimestamp(bestEffort: 5, timeBase: Self.mpegTS) == Int64.max)
            Self.expectCorrupt { () throws(TranscodeError) in try timeline.videoTimestamp(bestEffort: 5, timeBase: Self.mpegTS) }
        }

        @Test func elapsedMillisecondsAcrossTheWholeRangeIsCorrupt() throws {
            #expect(try SourceTimeline.milliseconds(from: 90_000, to: 180_000, timeBase: Self.mpegTS) == 1000)
            Self.expectCorrupt { () throws(TranscodeError) in
                try SourceTimeline.milliseconds(from: -Int64.max, to: Int64.max, timeBase: Self.mpegTS)
            }
        }

        @Test func audioTimestampsAdvanceUntilInt64RunsOut() throws {
            #expect(try SourceTimeline.advanced(1000, by: 1024) == 2024)
            Self.expectCorrupt { () throws(TranscodeError) in try SourceTimeline.advanced(Int64.max - 10, by: 1024) }
        }

        /// 2 s decoded (0 to 24000 ticks of 1/12000): a stream declaring 4 s lost 2 s
        /// (over 1 s), one declaring 2.5 s lost 0.5 s (under 1 s).
        @Test func truncationComparesDeclaredAndDecodedMilliseconds() throws {
            let timeBase = AVRational(num: 1, den: 12000)
            var timeline = SourceTimeline(containerStart: 0)
            #expect(try timeline.truncation(declaredDuration: 48000, timeBase: timeBase) == nil)
            _ = try timeline.videoTimestamp(bestEffort: 0, timeBase: timeBase)
            _ = try timeline.videoTimestamp(bestEffort: 24000, timeBase: timeBase)
            let lost = try timeline.truncation(declaredDuration: 48000, timeBase: timeBase)
            #expect(lost?.declaredMs == 4000 && lost?.decodedMs == 2000)
            #expect(try timeline.truncation(declaredDuration: 30000, timeBase: timeBase) == nil)
            #expect(try timeline.truncation(declaredDuration: CAVUtil_NOPTS_VALUE(), timeBase: timeBase) == nil)
            Self.expectCorrupt { () throws(TranscodeError) in
                try timeline.truncation(declaredDuration: Int64.max, timeBase: Self.nanoseconds.inverted)
            }
        }

        @Test func audioIsCountedFromItsFirstTimestamp() throws {
            // Audio at 1/48000 s from 1.4 s of container start: 48000 ticks is one second.
            var timeline = SourceTimeline(containerStart: 1_400_000)
            let audio = AVRational(num: 1, den: 48000)
            #expect(try timeline.decodedAudioMilliseconds(timeBase: audio) == nil)
            #expect(try timeline.audioTimestamp(67_200, timeBase: audio) == 0)
            #expect(try timeline.audioTimestamp(CAVUtil_NOPTS_VALUE(), timeBase: audio) == CAVUtil_NOPTS_VALUE())
            #expect(try timeline.audioTimestamp(67_200 + 96_000, timeBase: audio) == 96_000)
            #expect(try timeline.decodedAudioMilliseconds(timeBase: audio) == 2000)
        }

        @Test func theContainerDurationAllowsAWideMargin() throws {
            let timeline = SourceTimeline(containerStart: 0)
            // 6 s declared (AV_TIME_BASE is microseconds): 2 s decoded is a third, 4.5 s is enough.
            #expect(try timeline.containerTruncation(declaredDuration: 6_000_000, decodedMs: 2000) == 6000)
            #expect(try timeline.containerTruncation(declaredDuration: 6_000_000, decodedMs: 4500) == nil)
            // 3 s declared: 1.2 s decoded misses only 1.8 s, under the two-second floor.
            #expect(try timeline.containerTruncation(declaredDuration: 3_000_000, decodedMs: 1200) == nil)
            #expect(try timeline.containerTruncation(declaredDuration: 3_000_000, decodedMs: 500) == 3000)
            #expect(try timeline.containerTruncation(declaredDuration: CAVUtil_NOPTS_VALUE(), decodedMs: 0) == nil)
            #expect(try timeline.containerTruncation(declaredDuration: 0, decodedMs: 0) == nil)
        }

        @Test func theDecoderPixelBudgetCoversAlignedPicturesWithinTheLimits() {
            // 400x300 with 64 pixels of alignment room on each side: 464 * 364.
            let limits = VideoLimits(maxBytes: 1, maxDurationMs: 1, maxLongSide: 400, maxShortSide: 300)
            #expect(SourceReader.pixelBudget(limits) == 168_896)
            let huge = VideoLimits(maxBytes: 1, maxDurationMs: 1, maxLongSide: Int.max, maxShortSide: Int.max)
            #expect(SourceReader.pixelBudget(huge) == Int64.max)
        }
    }
}

extension AVRational {
    fileprivate var inverted: AVRational { AVRational(num: den, den: num) }
}
