import CAVCodec
import CAVUtil

/// A time base or frame rate (`AVRational`) as a Swift value, so code outside `FFmpeg/` can hold
/// and pass one without importing libavutil.
struct Rational: Equatable, Sendable {
    var numerator: Int32
    var denominator: Int32

    init(_ numerator: Int32, _ denominator: Int32) {
        self.numerator = numerator
        self.denominator = denominator
    }

    init(_ rational: AVRational) {
        self.init(rational.num, rational.den)
    }

    /// Milliseconds, for converting timestamps to manifest times.
    static let milliseconds = Rational(1, 1000)

    var av: AVRational { AVRational(num: numerator, den: denominator) }

    /// Both terms positive (an unknown frame rate is 0/0 or 0/1).
    var isPositive: Bool { numerator > 0 && denominator > 0 }

    /// The value as a double (`av_q2d`).
    var doubleValue: Double { av_q2d(av) }

    /// One over this (`av_inv_q`).
    var inverse: Rational { Rational(av_inv_q(av)) }

    /// `value` in units of this time base, converted to units of `target` (`av_rescale_q`,
    /// rounding to nearest).
    func rescale(_ value: Int64, to target: Rational) -> Int64 {
        av_rescale_q(value, av, target.av)
    }
}
