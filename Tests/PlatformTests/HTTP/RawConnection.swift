import Foundation
import Glibc

/// A plain TCP client for what an HTTP client library will not do: send half a request, hold
/// a connection open, and time how long the server takes to close it.
final class RawConnection: @unchecked Sendable {
    private let fd: Int32

    /// Connects to 127.0.0.1:`port`; reads give up after `readBound` (a failure bound only: 15 s
    /// was not enough with the whole suite loading a two-core machine).
    init(port: Int, readBound: Duration = .seconds(60)) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var bound = timeval(tv_sec: Int(readBound.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &bound, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit { close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads on a thread of its own until the server closes the connection; returns how long
    /// that took, or nil when the read bound passed first.
    func timeUntilClosed() async -> Duration? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in
                let clock = ContinuousClock()
                let start = clock.now
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = recv(fd, &buffer, buffer.count, 0)
                    if count == 0 || (count < 0 && errno == ECONNRESET) { return continuation.resume(returning: clock.now - start) }
                    if count < 0 && errno != EINTR { return continuation.resume(returning: nil) }
                }
            }
        }
    }

    /// Sends a request and reads one response's head and `Content-Length` body; returns the
    /// status line, or nil when the connection closed first.
    func exchange(_ request: String) async -> String? {
        send(request)
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in
                var received: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let text = String(decoding: received, as: UTF8.self)
                    if let end = text.range(of: "\r\n\r\n") {
                        let head = text[..<end.lowerBound]
                        let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                        if text.utf8.count - text.utf8.distance(from: text.startIndex, to: end.upperBound) >= length {
                            return continuation.resume(returning: head.split(separator: "\r\n").first.map(String.init))
                        }
                    }
                    let count = recv(fd, &buffer, buffer.count, 0)
                    if count <= 0 { return continuation.resume(returning: nil) }
                    received += buffer[0..<count]
                }
            }
        }
    }
}
