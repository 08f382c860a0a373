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

    /// Parses `bytes` (UTF-8 or ASCII text, `\n` or `\r\n` line ends).
    public static func parse(_ bytes: Data) throws(BlocklistFileError) -> BlocklistFile {
        var photos: [PhotoHash] = []
        var frames: [Frame] = []
        var isVideo: Bool?
        var lineNumber = 0
        var failure: BlocklistFileError?
        bytes.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            let all = buffer.bindMemory(to: UInt8.self)
            var start = 0
            while start < all.count, failure == nil {
                var end = start
                while end < all.count, all[end] != 10 { end += 1 }
                lineNumber += 1
                var line = all[start..<end]
                start = end + 1
                while let last = line.last, last == 13 || last == 32 || last == 9 { line = line.dropLast() }
                while let first = line.first, first == 32 || first == 9 { line = line.dropFirst() }
                if line.isEmpty || line.first == 35 { continue }
                let fields = line.split(separator: 44, omittingEmptySubsequences: false)
                let video = isVideo ?? (fields.count == 4)
                isVideo = video
                do throws(BlocklistFileError) {
                    if video {
                        frames.append(try frame(fields, line: lineNumber))
                    } else {
                        photos.append(try photo(fields, line: lineNumber))
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

    private static func photo(_ fields: [Slice<UnsafeBufferPointer<UInt8>>], line: Int) throws(BlocklistFileError) -> PhotoHash {
        guard fields.count <= 2 else {
            throw BlocklistFileError(line: line, "expected a PDQ hash, optionally followed by ,quality")
        }
        let hash = try pdq(fields[0], line: line)
        return (hash, fields.count == 2 ? try quality(fields[1], line: line) : nil)
    }

    private static func frame(_ fields: [Slice<UnsafeBufferPointer<UInt8>>], line: Int) throws(BlocklistFileError) -> Frame {
        guard fields.count == 4 else {
            throw BlocklistFileError(line: line, "expected frame_number,quality,pdq_hex,timestamp (a vPDQ file)")
        }
        guard let number = integer(fields[0]) else {
            throw BlocklistFileError(line: line, "the frame number is not a whole number")
        }
        let timestamp = String(decoding: trimmed(fields[3]), as: UTF8.self)
        guard let seconds = Double(timestamp), seconds.isFinite, seconds >= 0 else {
            throw BlocklistFileError(line: line, "the timestamp is not a number of seconds")
        }
        return (number, try pdq(fields[2], line: line), try quality(fields[1], line: line))
    }

    private static func pdq(_ field: Slice<UnsafeBufferPointer<UInt8>>, line: Int) throws(BlocklistFileError) -> PDQHash {
        guard let hash = PDQHash(hexDigits: trimmed(field)) else {
            throw BlocklistFileError(line: line, "not a PDQ hash (64 hex digits)")
        }
        return hash
    }

    private static func quality(_ field: Slice<UnsafeBufferPointer<UInt8>>, line: Int) throws(BlocklistFileError) -> Int {
        guard let value = integer(field), value <= 100 else {
            throw BlocklistFileError(line: line, "the quality is not a whole number from 0 to 100")
        }
        return value
    }

    /// A non-negative decimal of at most 9 digits (no overflow), or nil.
    private static func integer(_ field: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        let digits = trimmed(field)
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - 48) }
    }

    private static func trimmed(_ field: Slice<UnsafeBufferPointer<UInt8>>) -> Slice<UnsafeBufferPointer<UInt8>> {
        var field = field
        while let first = field.first, first == 32 || first == 9 { field = field.dropFirst() }
        while let last = field.last, last == 32 || last == 9 { field = field.dropLast() }
        return field
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
