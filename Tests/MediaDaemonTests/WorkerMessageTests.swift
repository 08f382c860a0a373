import Foundation
import Testing

@testable import MediaDaemon
import Thumbnail
import WorkerWire

/// The serve ↔ worker frames: version byte, big-endian length, JSON; anything else is refused.
@Suite("worker messages")
struct WorkerMessageTests {
    @Test func aFrameIsVersionLengthAndBodyAndRoundTrips() throws {
        let message = WorkerMessage.progress(fraction: 0.5, stage: "decoding")
        let frame = try message.frame()
        #expect(frame.first == 1)
        let length = frame.dropFirst().prefix(4).reduce(0) { $0 << 8 | Int($1) }
        #expect(length == frame.count - 5)
        #expect(try WorkerMessage(frame: frame) == message)
    }

    @Test func wrongVersionsLengthsAndOversizedFramesAreRefused() throws {
        let frame = try WorkerMessage.cancel.frame()
        var otherVersion = frame
        otherVersion[0] = 2
        #expect(throws: (any Error).self) { try WorkerMessage(frame: otherVersion) }
        #expect(throws: (any Error).self) { try WorkerMessage(frame: frame.dropLast()) }
        #expect(throws: (any Error).self) { try WorkerMessage(frame: frame + Data([0x20])) }
        #expect(throws: (any Error).self) { try WorkerMessage(frame: Data([1, 0, 0])) }
        // A frame past the 1 MiB cap is refused before its length is even read.
        var huge = Data([1, 0, 0x10, 0, 0])
        huge.append(Data(repeating: 0x20, count: 1 << 20))
        #expect(throws: (any Error).self) { try WorkerMessage(frame: huge) }
        #expect(throws: (any Error).self) {
            try WorkerMessage.failure(.init(.badInput(code: "x", message: String(repeating: "a", count: 1 << 20)))).frame()
        }
    }

    @Test func aDescriptorTravelsWithItsMessageOverTheChannel() throws {
        let (parent, child) = try WorkerChannel.pair()
        defer { child.close() }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wm-\(UUID().uuidString)").path
        try Data("input bytes".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = open(path, O_RDONLY | O_CLOEXEC)
        #expect(file >= 0)
        try parent.send(.cancel, attaching: file)
        defer { close(file) }
        guard case .message(.cancel, let received?) = try child.receive() else {
            Issue.record("no descriptor came with the message")
            return
        }
        defer { close(received) }
        #expect(received != file)
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = read(received, &bytes, bytes.count)
        #expect(String(decoding: bytes.prefix(max(count, 0)), as: UTF8.self) == "input bytes")
        parent.close()
        guard case .closed = try child.receive() else {
            Issue.record("end of stream not seen")
            return
        }
    }
}
