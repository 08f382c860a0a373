import Foundation

/// PostgreSQL's ISO timestamp text (`DateStyle = ISO`), both directions, without a
/// `DateFormatter`: formatters are slow, locale-sensitive and stop at milliseconds.
///
/// Dates are proleptic Gregorian with microsecond precision; BC dates are not supported.
enum PostgresTimestamp {
    private static let microsPerDay: Int64 = 86_400_000_000

    /// Microseconds from 2000-01-01 00:00 UTC (timestamptz's binary form), rounded like `format`.
    static func microsecondsSince2000(_ date: Date) -> Int64 {
        microsecondsSince1970(date) - 946_684_800_000_000
    }

    /// Microseconds since the Unix epoch, rounded to the nearest (PostgreSQL's resolution).
    static func microsecondsSince1970(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// `yyyy-MM-dd HH:mm:ss.ffffff+00`, in UTC.
    static func format(_ date: Date) -> String {
        let micros = microsecondsSince1970(date)
        var days = micros / microsPerDay
        var rest = micros % microsPerDay
        if rest < 0 {
            days -= 1
            rest += microsPerDay
        }
        let (year, month, day) = civil(fromDays: Int(days))
        let seconds = Int(rest / 1_000_000)
        let fraction = Int(rest % 1_000_000)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) "
            + "\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))"
            + ".\(pad(fraction, 6))+00"
    }

    /// Parses timestamptz (`2024-01-02 03:04:05.5+05:30`), timestamp (taken as UTC) and date
    /// (midnight UTC) output. Nil for anything else.
    static func parse(_ text: String) -> Date? {
        if text == "infinity" { return .distantFuture }
        if text == "-infinity" { return .distantPast }
        var scanner = Scanner(Array(text.utf8))
        guard let year = scanner.number(minDigits: 4, maxDigits: 7), scanner.skip("-"),
            let month = scanner.number(minDigits: 2, maxDigits: 2), (1...12).contains(month), scanner.skip("-"),
            let day = scanner.number(minDigits: 2, maxDigits: 2), (1...31).contains(day)
        else { return nil }
        var micros = Int64(days(fromYear: year, month: month, day: day)) * microsPerDay
        if scanner.skip(" ") {
            guard let hour = scanner.number(minDigits: 2, maxDigits: 2), scanner.skip(":"),
                let minute = scanner.number(minDigits: 2, maxDigits: 2), scanner.skip(":"),
                let second = scanner.number(minDigits: 2, maxDigits: 2), hour <= 24, minute < 60, second <= 60
            else { return nil }
            micros += Int64((hour * 60 + minute) * 60 + second) * 1_000_000
            if scanner.skip(".") {
                guard let (fraction, digits) = scanner.fraction(maxDigits: 6) else { return nil }
                var scaled = Int64(fraction)
                for _ in digits..<6 { scaled *= 10 }
                micros += scaled
            }
            if let sign = scanner.sign() {
                guard let offsetHours = scanner.number(minDigits: 2, maxDigits: 2) else { return nil }
                var offset = offsetHours * 3600
                if scanner.skip(":") {
                    guard let offsetMinutes = scanner.number(minDigits: 2, maxDigits: 2) else { return nil }
                    offset += offsetMinutes * 60
                    if scanner.skip(":") {
                        guard let offsetSeconds = scanner.number(minDigits: 2, maxDigits: 2) else { return nil }
                        offset += offsetSeconds
                    }
                }
                micros -= Int64(sign * offset) * 1_000_000
            }
        }
        guard scanner.atEnd else { return nil }
        return Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (March-based year arithmetic).
    static func days(fromYear year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `days(fromYear:month:day:)`.
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }

        mutating func skip(_ character: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }

        mutating func sign() -> Int? {
            if skip("+") { return 1 }
            if skip("-") { return -1 }
            return nil
        }

        mutating func number(minDigits: Int, maxDigits: Int) -> Int? {
            guard let (value, count) = fraction(maxDigits: maxDigits), count >= minDigits else { return nil }
            return value
        }

        /// Up to `maxDigits` digits, any further digits skipped: (value, digits used).
        mutating func fraction(maxDigits: Int) -> (Int, Int)? {
            var value = 0
            var count = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                if count < maxDigits {
                    value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                    count += 1
                }
                index += 1
            }
            return count == 0 ? nil : (value, count)
        }
    }
}
