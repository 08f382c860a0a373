import CSpawnShim
import Foundation
import Glibc
import WorkerWire

/// One end of the parent ↔ worker socketpair (`SOCK_SEQPACKET`: one frame per datagram, so a
/// descriptor travels with exactly the message it belongs to).
///
/// Not thread-safe for concurrent receives; a send may run beside a receive.
struct WorkerChannel: Sendable {
    /// What `receive` got.
    enum Received {
        case message(WorkerMessage, descriptor: Int32?)
        /// The other end closed (or died).
        case closed
    }

    let descriptor: Int32

    /// A connected pair, both ends close-on-exec.
    static func pair() throws -> (WorkerChannel, WorkerChannel) {
        var ends: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
            throw MediaFailure.internalError("socketpair failed: \(String(cString: strerror(errno)))")
        }
        return (WorkerChannel(descriptor: ends[0]), WorkerChannel(descriptor: ends[1]))
    }

    /// Sends `message`, with `attaching` (a descriptor this side keeps) when given.
    /// Throws when the other end is gone.
    func send(_ message: WorkerMessage, attaching file: Int32 = -1) throws {
        let frame = try message.frame()
        let sent = frame.withUnsafeBytes { md_send_message(descriptor, $0.baseAddress, $0.count, file) }
        guard sent == frame.count else {
            throw MediaFailure.internalError("sending to the worker failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Waits up to `timeoutMilliseconds` (-1: forever) for the socket to be readable.
    func waitReadable(timeoutMilliseconds: Int32) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&entry, 1, timeoutMilliseconds)
        return ready > 0
    }

    /// Receives one message; an oversized or undecodable frame throws, which either side
    /// treats as a broken peer.
    func receive() throws -> Received {
        var buffer = [UInt8](repeating: 0, count: WorkerMessage.maximumFrame)
        var file: Int32 = -1
        var count: Int
        repeat {
            count = buffer.withUnsafeMutableBytes { md_receive_message(descriptor, $0.baseAddress, $0.count, &file) }
        } while count == -1 && errno == EINTR
        switch count {
        case 0: return .closed
        case -1 where errno == ECONNRESET: return .closed
        case -2: throw MediaFailure.internalError("worker frame over \(WorkerMessage.maximumFrame) bytes")
        case ..<0: throw MediaFailure.internalError("receiving from the worker failed: \(String(cString: strerror(errno)))")
        default: break
        }
        do {
            return .message(try WorkerMessage(frame: Data(buffer[..<count])), descriptor: file >= 0 ? file : nil)
        } catch {
            if file >= 0 { _ = Glibc.close(file) }
            throw error
        }
    }

    func close() { _ = Glibc.close(descriptor) }
}
