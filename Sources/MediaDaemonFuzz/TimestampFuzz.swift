import CAVCodec
import CAVUtil
@testable import Transcode

/// The reader's timestamp arithmetic on container values anywhere in `Int64` (near ±2^63
/// above all): a start time, a time base, a declared duration, then frame timestamps. Each
/// step either gives a value or throws `corrupt`; handed-on video timestamps strictly rise.
enum TimestampFuzz {
    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        var input = Array(bytes)[...]
        let start = take(&input, as: Int64.self)
        let timeBase = AVRational(num: take(&input, as: Int32.self), den: take(&input, as: Int32.self))
        let duration = take(&input, as: Int64.self)
        var timeline = SourceTimeline(containerStart: start)
        var previous: Int64?
        while input.count >= 8 {
            let pts = take(&input, as: Int64.self)
            _ = try? timeline.shifted(pts, timeBase: timeBase)
            _ = try? SourceTimeline.advanced(pts, by: Int32(truncatingIfNeeded: pts))
            guard let timestamp = try? timeline.videoTimestamp(bestEffort: pts, timeBase: timeBase) else { break }
            if let previous {
                FuzzTargets.require(timestamp > previous, "timestamp \(timestamp) after \(previous)")
            }
            previous = timestamp
            if let first = timeline.firstVideo {
                _ = try? SourceTimeline.milliseconds(from: first, to: timestamp, timeBase: timeBase)
            }
        }
        _ = try? timeline.truncation(declaredDuration: duration, timeBase: timeBase)
    }

    /// The next little-endian integer of the input (zero-filled past its end).
    private static func take<T: FixedWidthInteger>(_ input: inout ArraySlice<UInt8>, as: T.Type) -> T {
        var value: T = 0
        for (index, byte) in input.prefix(T.bitWidth / 8).enumerated() {
            value |= T(truncatingIfNeeded: byte) << (8 * index)
        }
        input = input.dropFirst(T.bitWidth / 8)
        return value
    }
}
