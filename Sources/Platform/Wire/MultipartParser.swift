import Foundation

/// An incremental `multipart/form-data` parser: bytes go in as they arrive, part events come
/// out, and at most one delimiter's worth of body bytes is held back, so a part of any size
/// streams through without being buffered.
///
/// Kept instead of multipart-kit's streaming parser, which holds a header line, or a run of body
/// bytes without a CRLF, in memory until it ends: a client could make it buffer a whole upload.
/// The `multipart` fuzz target checks this one sees the same parts however a body is split.
package struct MultipartParser {
    package enum Event {
        case partStart(name: String, filename: String?)
        case data([UInt8])
        case partEnd
    }

    private enum State {
        case preamble, afterDelimiter, headers, body, done
    }

    private let delimiter: [UInt8]
    private var buffer: [UInt8]
    private var state = State.preamble
    /// Longest header block of one part, in bytes.
    package static let maximumHeaderBytes = 16 * 1024

    /// A parser for `boundary`; the leading CRLF makes the first delimiter look like the rest.
    package init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
        buffer = Array("\r\n".utf8)
    }

    /// The boundary of a `multipart/form-data` content type, nil for any other type.
    package static func boundary(contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for part in parts.dropFirst() where part.lowercased().hasPrefix("boundary=") {
            var value = String(part.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty || value.utf8.count > 70 ? nil : value
        }
        return nil
    }

    package var isFinished: Bool { state == .done }

    /// Consumes `bytes`, reporting events in order; throws 400 `invalid_multipart` on bad framing.
    package mutating func feed(_ bytes: some Sequence<UInt8>, emit: (Event) throws -> Void) throws {
        buffer.append(contentsOf: bytes)
        while true {
            switch state {
            case .preamble:
                guard let index = find(delimiter) else {
                    buffer.removeFirst(max(0, buffer.count - delimiter.count + 1))
                    return
                }
                buffer.removeFirst(index + delimiter.count)
                state = .afterDelimiter
            case .afterDelimiter:
                guard buffer.count >= 2 else { return }
                if buffer[0] == 45, buffer[1] == 45 {
                    state = .done
                    buffer.removeAll()
                    return
                }
                guard buffer[0] == 13, buffer[1] == 10 else { throw Self.invalid }
                buffer.removeFirst(2)
                state = .headers
            case .headers:
                // The limit holds however the body is split: a block over it fails whether its
                // end came in the same piece or has not arrived (then even a terminator in the
                // next 3 bytes would end it past the limit).
                guard let end = find(Array("\r\n\r\n".utf8)) else {
                    if buffer.count > Self.maximumHeaderBytes + 3 { throw Self.invalid }
                    return
                }
                guard end <= Self.maximumHeaderBytes else { throw Self.invalid }
                let text = String(decoding: buffer[0..<end], as: UTF8.self)
                buffer.removeFirst(end + 4)
                try emit(try Self.partStart(text))
                state = .body
            case .body:
                if let index = find(delimiter) {
                    if index > 0 { try emit(.data(Array(buffer[0..<index]))) }
                    try emit(.partEnd)
                    buffer.removeFirst(index + delimiter.count)
                    state = .afterDelimiter
                } else {
                    let keep = delimiter.count - 1
                    if buffer.count > keep {
                        try emit(.data(Array(buffer[0..<(buffer.count - keep)])))
                        buffer.removeFirst(buffer.count - keep)
                    }
                    return
                }
            case .done:
                buffer.removeAll()
                return
            }
        }
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard buffer.count >= needle.count, let first = needle.first else { return nil }
        var index = 0
        let last = buffer.count - needle.count
        while index <= last {
            if buffer[index] == first {
                var match = true
                for offset in 1..<needle.count where buffer[index + offset] != needle[offset] {
                    match = false
                    break
                }
                if match { return index }
            }
            index += 1
        }
        return nil
    }

    private static func partStart(_ headers: String) throws -> Event {
        for line in headers.split(separator: "\r\n") {
            let pieces = line.split(separator: ":", maxSplits: 1)
            guard pieces.count == 2, pieces[0].lowercased() == "content-disposition" else { continue }
            var name: String?
            var filename: String?
            for parameter in pieces[1].split(separator: ";") {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2 else { continue }
                var value = pair[1]
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                switch pair[0].lowercased() {
                case "name": name = value
                case "filename": filename = value
                default: break
                }
            }
            if let name { return .partStart(name: name, filename: filename) }
        }
        throw invalid
    }

    package static let invalid = SocialError(.invalid, "invalid_multipart", "the body is not valid multipart/form-data")
}
