public import Foundation

/// A hash list file as hash-sharing programs exchange them, parsed.
///
/// Two formats, told apart by the first line that holds data (blank lines and lines starting
/// with `#` are skipped everywhere):
/// - PDQ list: one 64-digit hex PDQ per line, optionally followed by `,quality` (0...100).
///   Every hash is one photo entry.
/// - vPDQ: the reference tool's frame-hash file, `frame_number,quality,pdq_hex,timestamp` per
///   line. The whole file is one video entry.
/// Any malformed line fails the whole file with its line number (`BlocklistFileError`).
public enum BlocklistFile: Sendable {
    /// A listed PDQ and the quality the list gave it, if any.
    public typealias PhotoHash = (hash: PDQHash, quality: Int?)
    /// One frame of a listed video.
    public typealias Frame = (frame: Int, hash: PDQHash, quality: Int)

    case photos([PhotoHash])
    case video([Frame])

    /// Parses `bytes` (UTF-8 or ASCII text, `\n` or `\r\n` line ends). Lines are scanned in
    /// place (no copy per line or field): a million lines are common.
    public static func parse(_ bytes: Data) throws(BlocklistFileError) -> BlocklistFile {
        var photos: [PhotoHash] = []
        var frames: [Frame] = []
        var isVideo: Bool?
        var failure: BlocklistFileError?
        bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let all = raw.bindMemory(to: UInt8.self)
            var fields: [Range<Int>] = []
            fields.reserveCapacity(8)
            var lineNumber = 0
            var start = 0
            while start < all.count, failure == nil {
                var end = start
                while end < all.count, all[end] != 10 { end += 1 }
                lineNumber += 1
                let line = trimmed(all, start..<end)
                start = end + 1
                if line.isEmpty || all[line.lowerBound] == 35 { continue }
                fields.removeAll(keepingCapacity: true)
                var fieldStart = line.lowerBound
                for position in line where all[position] == 44 {
                    fields.append(trimmed(all, fieldStart..<position))
                    fieldStart = position + 1
                }
                fields.append(trimmed(all, fieldStart..<line.upperBound))
                let video = isVideo ?? (fields.count == 4)
                isVideo = video
                do throws(BlocklistFileError) {
                    if video {
                        frames.append(try frame(all, fields, line: lineNumber))
                    } else {
                        photos.append(try photo(all, fields, line: lineNumber))
                    }
                } catch {
                    failure = error
                }
            }
        }
        if let failure { throw failure }
        switch isVideo {
        case true?: return .video(frames)
        case false?: return .photos(photos)
        case nil: throw BlocklistFileError(line: nil, "the file holds no hashes")
        }
    }

    private typealias Bytes = UnsafeBufferPointer<UInt8>

    private static func photo(_ all: Bytes, _ fields: [Range<Int>], line: Int) throws(BlocklistFileError) -> PhotoHash {
        guard fields.count <= 2 else {
            throw BlocklistFileError(line: line, "expected a PDQ hash, optionally followed by ,quality")
        }
        let hash = try pdq(all, fields[0], line: line)
        return (hash, fields.count == 2 ? try quality(all, fields[1], line: line) : nil)
    }

    private static func frame(_ all: Bytes, _ fields: [Range<Int>], line: Int) throws(BlocklistFileError) -> Frame {
        guard fields.count == 4 else {
            throw BlocklistFileError(line: line, "expected frame_number,quality,pdq_hex,timestamp (a vPDQ file)")
        }
        guard let number = integer(all, fields[0]) else {
            throw BlocklistFileError(line: line, "the frame number is not a whole number")
        }
        let timestamp = String(decoding: Bytes(rebasing: all[fields[3]]), as: UTF8.self)
        guard let seconds = Double(timestamp), seconds.isFinite, seconds >= 0 else {
            throw BlocklistFileError(line: line, "the timestamp is not a number of seconds")
        }
        return (number, try pdq(all, fields[2], line: line), try quality(all, fields[1], line: line))
    }

    private static func pdq(_ all: Bytes, _ field: Range<Int>, line: Int) throws(BlocklistFileError) -> PDQHash {
        guard let hash = PDQHash(hexDigits: Bytes(rebasing: all[field])) else {
            throw BlocklistFileError(line: line, "not a PDQ hash (64 hex digits)")
        }
        return hash
    }

    private static func quality(_ all: Bytes, _ field: Range<Int>, line: Int) throws(BlocklistFileError) -> Int {
        guard let value = integer(all, field), value <= 100 else {
            throw BlocklistFileError(line: line, "the quality is not a whole number from 0 to 100")
        }
        return value
    }

    /// A non-negative decimal of at most 9 digits (no overflow), or nil.
    private static func integer(_ all: Bytes, _ field: Range<Int>) -> Int? {
        guard !field.isEmpty, field.count <= 9 else { return nil }
        var value = 0
        for position in field {
            let digit = all[position]
            guard digit >= 48, digit <= 57 else { return nil }
            value = value * 10 + Int(digit - 48)
        }
        return value
    }

    /// `range` without leading and trailing spaces, tabs and carriage returns.
    private static func trimmed(_ all: Bytes, _ range: Range<Int>) -> Range<Int> {
        var (lower, upper) = (range.lowerBound, range.upperBound)
        while lower < upper, all[upper - 1] == 32 || all[upper - 1] == 9 || all[upper - 1] == 13 { upper -= 1 }
        while lower < upper, all[lower] == 32 || all[lower] == 9 { lower += 1 }
        return lower..<upper
    }
}

/// A hash list file that could not be read: which line (1-based; nil for the file as a whole)
/// and what is wrong with it.
public struct BlocklistFileError: Error, CustomStringConvertible, Sendable {
    public var line: Int?
    public var message: String

    public init(line: Int?, _ message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { line.map { "line \($0): \(message)" } ?? message }
}
