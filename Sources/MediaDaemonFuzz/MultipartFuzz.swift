@testable import PlatformWire

/// The multipart parser fed one body whole and in small pieces: both must see the same parts
/// (names, file names, bytes) and end the same way, and a part's header block over the limit
/// fails either way.
enum MultipartFuzz {
    enum Piece: Equatable {
        case start(String, String?)
        case data([UInt8])
        case end
    }

    enum Ending: Equatable {
        case finished, unfinished, invalid(String)
    }

    static let boundary = "fuzzBOUNDARY"

    /// The first byte picks the piece size (1…64); the rest is the body.
    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let first = bytes.first else { return }
        let body = Array(bytes.dropFirst())
        let whole = parse(body, pieceSize: max(1, body.count))
        let split = parse(body, pieceSize: Int(first % 64) + 1)
        FuzzTargets.require(whole.ending == split.ending, "whole body ends \(whole.ending), split \(split.ending)")
        if whole.ending != .invalid("invalid_multipart") {
            FuzzTargets.require(whole.pieces == split.pieces, "split body parses differently")
        }
    }

    static func parse(_ body: [UInt8], pieceSize: Int) -> (pieces: [Piece], ending: Ending) {
        var parser = MultipartParser(boundary: boundary)
        var pieces: [Piece] = []
        var offset = 0
        do {
            while offset < body.count, !parser.isFinished {
                let end = min(body.count, offset + pieceSize)
                try parser.feed(body[offset..<end]) { event in
                    switch event {
                    case .partStart(let name, let filename): pieces.append(.start(name, filename))
                    case .partEnd: pieces.append(.end)
                    case .data(let bytes):
                        if case .data(let earlier) = pieces.last {
                            pieces[pieces.count - 1] = .data(earlier + bytes)
                        } else {
                            pieces.append(.data(bytes))
                        }
                    }
                }
                offset = end
            }
        } catch let error as SocialError {
            return (pieces, .invalid(error.code))
        } catch {
            return (pieces, .invalid("\(error)"))
        }
        return (pieces, parser.isFinished ? .finished : .unfinished)
    }
}
