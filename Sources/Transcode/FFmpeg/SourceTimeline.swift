import CAVCodec
import CAVUtil

/// Timestamp arithmetic on the values a container declares (start time, packet and frame
/// timestamps, durations), which a hostile file can set anywhere in `Int64`.
///
/// Every step is checked: a sum, difference or rescale that leaves `Int64` (or comes back from
/// `av_rescale_q` as its overflow marker, `INT64_MIN`) is the input's fault and throws
/// `corrupt`, instead of trapping the process. Not thread-safe; one per reader.
struct SourceTimeline {
    /// The container's start time (`AV_TIME_BASE` units), 0 when unknown: subtracted so outputs
    /// start at zero (MPEG-TS, for one, starts at 1.4 s).
    let startTime: Int64
    /// The first and last video timestamps handed on (stream time base).
    private(set) var firstVideo: Int64?
    private(set) var lastVideo: Int64?
    /// The first and last audio timestamps handed on (audio stream time base).
    private(set) var firstAudio: Int64?
    private(set) var lastAudio: Int64?

    /// A timeline for a container whose `start_time` is `containerStart` (`AV_NOPTS_VALUE` when unknown).
    init(containerStart: Int64) {
        startTime = containerStart == CAVUtil_NOPTS_VALUE() ? 0 : containerStart
    }

    /// `pts` moved so the container starts at zero; unknown stays unknown.
    func shifted(_ pts: Int64, timeBase: AVRational) throws(TranscodeError) -> Int64 {
        guard pts != CAVUtil_NOPTS_VALUE(), startTime != 0 else { return pts }
        let offset = try Self.rescale(startTime, from: CAVUtil_TIME_BASE_Q(), to: timeBase)
        return try Self.checked(pts.subtractingReportingOverflow(offset))
    }

    /// The timestamp a decoded video frame goes on with: its best-effort timestamp shifted to
    /// start at zero, or one after the last when it is unknown or would not move forward.
    mutating func videoTimestamp(bestEffort: Int64, timeBase: AVRational) throws(TranscodeError) -> Int64 {
        var timestamp = try shifted(bestEffort, timeBase: timeBase)
        if timestamp == CAVUtil_NOPTS_VALUE() {
            timestamp = try Self.checked((lastVideo ?? -1).addingReportingOverflow(1))
        }
        if let last = lastVideo, timestamp <= last {
            timestamp = try Self.checked(last.addingReportingOverflow(1))
        }
        lastVideo = timestamp
        if firstVideo == nil { firstVideo = timestamp }
        return timestamp
    }

    /// An audio frame's timestamp shifted to start at zero (unknown stays unknown), remembered
    /// for ``decodedAudioMilliseconds(timeBase:)``.
    mutating func audioTimestamp(_ pts: Int64, timeBase: AVRational) throws(TranscodeError) -> Int64 {
        let timestamp = try shifted(pts, timeBase: timeBase)
        guard timestamp != CAVUtil_NOPTS_VALUE() else { return timestamp }
        if firstAudio == nil { firstAudio = timestamp }
        lastAudio = max(lastAudio ?? timestamp, timestamp)
        return timestamp
    }

    /// Milliseconds of audio between the first and the latest timestamps; nil before any.
    func decodedAudioMilliseconds(timeBase: AVRational) throws(TranscodeError) -> Int64? {
        guard let first = firstAudio, let last = lastAudio else { return nil }
        return try Self.milliseconds(from: first, to: last, timeBase: timeBase)
    }

    /// The container's declared milliseconds (`duration` in `AV_TIME_BASE` units) when
    /// `decodedMs` falls short of half of it, and by more than two seconds: a file cut short.
    /// The margin is wide because this compares with the whole file, not one stream. Nil when
    /// the duration is unknown or nothing is missing.
    func containerTruncation(declaredDuration duration: Int64, decodedMs: Int64) throws(TranscodeError) -> Int64? {
        guard duration > 0, duration != CAVUtil_NOPTS_VALUE() else { return nil }
        let declared = try Self.rescale(duration, from: CAVUtil_TIME_BASE_Q(), to: Self.millisecond)
        let missing = try Self.checked(declared.subtractingReportingOverflow(decodedMs))
        return missing > max(2000, declared / 2) ? declared : nil
    }

    /// Milliseconds of video between the first and last timestamps handed on; nil before any.
    func decodedMilliseconds(timeBase: AVRational) throws(TranscodeError) -> Int64? {
        guard let first = firstVideo, let last = lastVideo else { return nil }
        return try Self.milliseconds(from: first, to: last, timeBase: timeBase)
    }

    /// The declared and decoded milliseconds when a stream declaring `duration` (its time base)
    /// lost more than a second (or a tenth) of it: decoded video ended early. Nil when it did
    /// not, when the duration is unknown, or before any video.
    func truncation(
        declaredDuration duration: Int64, timeBase: AVRational
    ) throws(TranscodeError) -> (declaredMs: Int64, decodedMs: Int64)? {
        guard duration > 0, let decoded = try decodedMilliseconds(timeBase: timeBase) else { return nil }
        let declared = try Self.rescale(duration, from: timeBase, to: Self.millisecond)
        let missing = try Self.checked(declared.subtractingReportingOverflow(decoded))
        return missing > max(1000, declared / 10) ? (declared, decoded) : nil
    }

    /// Milliseconds from `first` to `pts` (stream time base), for frame sampling.
    static func milliseconds(from first: Int64, to pts: Int64, timeBase: AVRational) throws(TranscodeError) -> Int64 {
        let elapsed = try checked(pts.subtractingReportingOverflow(first))
        return try rescale(elapsed, from: timeBase, to: millisecond)
    }

    /// ``milliseconds(from:to:timeBase:)`` for a time base held outside `FFmpeg/`.
    static func milliseconds(from first: Int64, to pts: Int64, timeBase: Rational) throws(TranscodeError) -> Int64 {
        try milliseconds(from: first, to: pts, timeBase: timeBase.av)
    }

    /// `pts` plus `samples` (audio frames), for the next frame's timestamp.
    static func advanced(_ pts: Int64, by samples: Int32) throws(TranscodeError) -> Int64 {
        try checked(pts.addingReportingOverflow(Int64(samples)))
    }

    /// `av_rescale_q`, refusing time bases that are not positive and results that do not fit.
    ///
    /// FFmpeg reports some overflows as `INT64_MIN` but wraps silently in others (its 64-bit
    /// path multiplies `value / c` by `b` unchecked), so the result's size is estimated first
    /// and anything past 2^62 refused: no real timestamp comes near it.
    static func rescale(_ value: Int64, from source: AVRational, to target: AVRational) throws(TranscodeError) -> Int64 {
        guard source.num > 0, source.den > 0, target.num > 0, target.den > 0 else {
            throw TranscodeError(.corrupt, "invalid time base \(source.num)/\(source.den)")
        }
        let scale = Double(source.num) * Double(target.den) / (Double(target.num) * Double(source.den))
        guard value != Int64.min, abs(Double(value) * scale) < 0x1p62 else { throw outOfRange }
        let result = av_rescale_q(value, source, target)
        guard result != Int64.min else { throw outOfRange }
        return result
    }

    private static let millisecond = AVRational(num: 1, den: 1000)

    private static func checked(_ result: (partialValue: Int64, overflow: Bool)) throws(TranscodeError) -> Int64 {
        guard !result.overflow, result.partialValue != Int64.min else { throw outOfRange }
        return result.partialValue
    }

    private static var outOfRange: TranscodeError {
        TranscodeError(.corrupt, "a timestamp in the container is out of range")
    }
}
