import Foundation
import Testing

@testable import Platform

/// The streaming multipart parser: the same parts however the body is split, the header limit
/// enforced whether a block arrives whole or in pieces, and part bodies streamed, not buffered.
@Suite("HTTP multipart parser")
struct MultipartParserTests {
    enum Piece: Equatable {
        case start(String, String?)
        case data([UInt8])
        case end
    }

    /// Parses `body` fed in pieces of `pieceSize`; consecutive data events are joined.
    private static func parse(_ body: [UInt8], pieceSize: Int, boundary: String = "b0undary") throws -> (pieces: [Piece], finished: Bool) {
        var parser = MultipartParser(boundary: boundary)
        var pieces: [Piece] = []
        var offset = 0
        while offset < body.count, !parser.isFinished {
            let end = min(body.count, offset + pieceSize)
            try parser.feed(body[offset..<end]) { event in
                switch event {
                case .partStart(let name, let filename): pieces.append(.start(name, filename))
                case .partEnd: pieces.append(.end)
                case .data(let bytes):
                    if case .data(let earlier) = pieces.last { pieces[pieces.count - 1] = .data(earlier + bytes) } else { pieces.append(.data(bytes)) }
                }
            }
            offset = end
        }
        return (pieces, parser.isFinished)
    }

    private static func body(headerPadding: Int, content: [UInt8] = Array("hello".utf8)) -> [UInt8] {
        let padding = String(repeating: "x", count: headerPadding)
        return Array("--b0undary\r\nContent-Disposition: form-data; name=\"caption\"\r\nX-Pad: \(padding)\r\n\r\n".utf8)
            + content + Array("\r\n--b0undary--\r\n".utf8)
    }

    /// The header block's length for a given padding: from after the delimiter's CRLF to the
    /// blank line (exclusive).
    private static func headerBlockLength(padding: Int) -> Int {
        "Content-Disposition: form-data; name=\"caption\"\r\nX-Pad: ".utf8.count + padding
    }

    /// A header block over the limit arriving in one piece with its end was accepted, while the
    /// same block split in small pieces was refused (found by the `multipart` fuzz target's
    /// whole-versus-split check).
    @Test(arguments: [1, 7, 4096, Int.max])
    func headerBlockOverTheLimitFailsHoweverItIsSplit(pieceSize: Int) throws {
        let padding = MultipartParser.maximumHeaderBytes + 1 - Self.headerBlockLength(padding: 0)
        let body = Self.body(headerPadding: padding)
        let error = try #require(throws: SocialError.self) { try Self.parse(body, pieceSize: min(pieceSize, body.count)) }
        #expect(error.code == "invalid_multipart")
    }

    /// A block of exactly the limit is accepted whole and split.
    @Test(arguments: [1, 3, 4096, Int.max])
    func headerBlockAtTheLimitIsAcceptedHoweverItIsSplit(pieceSize: Int) throws {
        let padding = MultipartParser.maximumHeaderBytes - Self.headerBlockLength(padding: 0)
        let body = Self.body(headerPadding: padding)
        let result = try Self.parse(body, pieceSize: min(pieceSize, body.count))
        #expect(result.finished)
        #expect(result.pieces == [.start("caption", nil), .data(Array("hello".utf8)), .end])
    }

    /// A 1 MB part fed in 1000-byte pieces comes out as it goes: after each piece at most the
    /// delimiter's length (minus one) of its bytes is held back.
    @Test func partBodiesStreamWithoutBuffering() throws {
        let content = (0..<1_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let body = Self.body(headerPadding: 0, content: content)
        let headerEnd = body.count - content.count - "\r\n--b0undary--\r\n".utf8.count
        let heldBackAtMost = "\r\n--b0undary".utf8.count - 1
        var parser = MultipartParser(boundary: "b0undary")
        var emitted: [UInt8] = []
        var offset = 0
        while offset < headerEnd + content.count {
            let end = min(offset + 1000, headerEnd + content.count)
            try parser.feed(body[offset..<end]) { event in
                if case .data(let bytes) = event { emitted += bytes }
            }
            offset = end
            if offset > headerEnd + heldBackAtMost {
                #expect(emitted.count >= offset - headerEnd - heldBackAtMost, "\(emitted.count) of \(offset - headerEnd)")
            }
        }
        try parser.feed(body[offset...]) { event in
            if case .data(let bytes) = event { emitted += bytes }
        }
        #expect(parser.isFinished)
        #expect(emitted == content)
    }

    /// Two parts with a delimiter look-alike inside the file: identical for every piece size.
    @Test func everyPieceSizeSeesTheSameParts() throws {
        let file = Array("--b0undar\r\n--b0undarY\r\n\r\n--".utf8) + [0, 13, 10, 45, 45]
        let body = Array("preamble\r\n--b0undary\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nhi".utf8)
            + Array("\r\n--b0undary\r\nContent-Disposition: form-data; name=\"media\"; filename=\"a.jpg\"\r\n\r\n".utf8)
            + file + Array("\r\n--b0undary--\r\nepilogue".utf8)
        let expected: [Piece] = [.start("caption", nil), .data(Array("hi".utf8)), .end, .start("media", "a.jpg"), .data(file), .end]
        for pieceSize in 1...body.count {
            let result = try Self.parse(body, pieceSize: pieceSize)
            #expect(result.finished && result.pieces == expected, "piece size \(pieceSize)")
        }
    }
}
