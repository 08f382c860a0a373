import Foundation
import Glibc

/// A Server-Sent Events client over a plain socket: sends one GET, decodes the chunked body
/// and hands out what arrives, in order: the status line, comments, events.
final class EventStreamClient: @unchecked Sendable {
    enum Item: Sendable, Equatable {
        case status(String)
        case comment(String)
        case event(id: String?, data: String)
    }

    private let fd: Int32
    let items: AsyncStream<Item>
    private let continuation: AsyncStream<Item>.Continuation

    /// Connects to 127.0.0.1:`port` and asks for `path` with `headers`.
    init(port: Int, path: String, headers: [String: String] = [:]) throws {
        (items, continuation) = AsyncStream.makeStream(of: Item.self)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        self.fd = fd
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
        var request = "GET \(path) HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        Thread.detachNewThread { [self] in read() }
    }

    deinit { close(fd) }

    /// Closes the connection (the server sees it at its next write).
    func disconnect() { shutdown(fd, Int32(SHUT_RDWR)) }

    /// The next item, or nil once the connection closed; fails after `bound` (a failure bound).
    /// One consumer at a time (AsyncStream's rule): iterators made in turn share its buffer.
    func next(bound: Duration = .seconds(30)) async throws -> Item? {
        let items = self.items
        return try await withThrowingTaskGroup(of: Item?.self) { group in
            group.addTask {
                var iterator = items.makeAsyncIterator()
                return await iterator.next()
            }
            group.addTask {
                try await Task.sleep(for: bound)
                throw POSIXError(.ETIMEDOUT)
            }
            let item = try await group.next() ?? nil
            group.cancelAll()
            return item
        }
    }

    private func read() {
        var raw: [UInt8] = []
        var body: [UInt8] = []
        var headDone = false
        var buffer = [UInt8](repeating: 0, count: 8192)
        defer { continuation.finish() }
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            raw += buffer[0..<count]
            if !headDone {
                guard let end = Self.find(Array("\r\n\r\n".utf8), in: raw) else { continue }
                let head = String(decoding: raw[0..<end], as: UTF8.self)
                continuation.yield(.status(String(head.split(separator: "\r\n").first ?? "")))
                raw.removeFirst(end + 4)
                headDone = true
                if !head.lowercased().contains("transfer-encoding: chunked") {
                    body += raw
                    raw = []
                }
            }
            // Chunks: hex size CRLF, bytes, CRLF.
            while let line = Self.find(Array("\r\n".utf8), in: raw) {
                guard let size = Int(String(decoding: raw[0..<line], as: UTF8.self), radix: 16) else { return }
                guard raw.count >= line + 2 + size + 2 else { break }
                body += raw[(line + 2)..<(line + 2 + size)]
                raw.removeFirst(line + 2 + size + 2)
                if size == 0 { return }
            }
            while let end = Self.find(Array("\n\n".utf8), in: body) {
                parse(String(decoding: body[0..<end], as: UTF8.self))
                body.removeFirst(end + 2)
            }
        }
    }

    private func parse(_ block: String) {
        var id: String?
        var data: String?
        for line in block.split(separator: "\n") {
            if line.hasPrefix(":") {
                continuation.yield(.comment(line.dropFirst().trimmingCharacters(in: .whitespaces)))
            } else if line.hasPrefix("id: ") {
                id = String(line.dropFirst(4))
            } else if line.hasPrefix("data: ") {
                data = String(line.dropFirst(6))
            }
        }
        if let data { continuation.yield(.event(id: id, data: data)) }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }
}
