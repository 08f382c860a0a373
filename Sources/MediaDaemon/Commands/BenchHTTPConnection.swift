import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking HTTP/1.1 keep-alive connection to 127.0.0.1 for the HTTP benchmarks: one request
/// at a time, the answer read to its end (Content-Length), or a Server-Sent Events stream read
/// event by event. Used from a thread of its own; not for the async executor.
final class BenchHTTPConnection {
    private let fd: Int32
    private var buffered: [UInt8] = []

    /// Connects; throws when the server does not accept.
    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(clamping: port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit { close(fd) }

    /// Sends a request without a body and returns the answer's status (nil: connection broke).
    func request(_ method: String, _ path: String, token: String?) -> Int? {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n"
        if let token { text += "Authorization: Bearer \(token)\r\n" }
        guard write(text + "\r\n"), let head = readHead() else { return nil }
        let length = Self.header("content-length", in: head).flatMap { Int($0) } ?? 0
        guard readBody(length) else { return nil }
        return Self.status(head)
    }

    /// Opens the notification stream with `token` and calls `event` with each event's data
    /// until it returns false or the stream ends. `connected` runs once the server said so.
    func stream(token: String, connected: () -> Void, event: (String) -> Bool) {
        let get = "GET /api/v1/notifications/stream HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(token)\r\n\r\n"
        guard write(get), let head = readHead(), Self.status(head) == 200 else { return }
        // The body is chunked; each write of the server is whole events, so event blocks are
        // found in the raw bytes between chunk-size lines.
        var pending = ""
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var text = String(decoding: buffered, as: UTF8.self)
        buffered = []
        while true {
            pending += text
            while let end = pending.range(of: "\n\n") {
                let block = pending[..<end.lowerBound]
                pending = String(pending[end.upperBound...])
                for line in block.split(separator: "\n") {
                    if line.hasSuffix(": connected") || line == ": connected" { connected() }
                    if line.hasPrefix("data: "), !event(String(line.dropFirst(6))) { return }
                }
            }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { return }
            text = String(decoding: buffer[0..<count], as: UTF8.self)
        }
    }

    private func write(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }

    private func fill() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return false }
        buffered += buffer[0..<count]
        return true
    }

    private func readHead() -> String? {
        let separator: [UInt8] = [13, 10, 13, 10]
        while true {
            if buffered.count >= 4 {
                for start in 0...(buffered.count - 4) where Array(buffered[start..<(start + 4)]) == separator {
                    let head = String(decoding: buffered[0..<start], as: UTF8.self)
                    buffered.removeFirst(start + 4)
                    return head
                }
            }
            guard fill() else { return nil }
        }
    }

    private func readBody(_ length: Int) -> Bool {
        while buffered.count < length { guard fill() else { return false } }
        buffered.removeFirst(length)
        return true
    }

    private static func status(_ head: String) -> Int? {
        head.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }
    }

    private static func header(_ name: String, in head: String) -> String? {
        for line in head.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == name else { continue }
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}
