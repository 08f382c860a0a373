import Foundation
import Glibc
import Synchronization

/// An HTTP proxy on a free loopback port in front of an S3 server that injects faults: each
/// request (one per client connection: the proxy answers `Connection: close`) is matched
/// against the queued faults, the first that matches is used up, and an unmatched request is
/// forwarded. Counts the requests it saw so tests wait on events, not time.
final class FaultProxy: @unchecked Sendable {
    enum Fault: Sendable {
        /// Answer 503 SlowDown without forwarding.
        case slowDown
        /// Answer this status (4xx) with an S3 error document.
        case status(Int, String)
        /// Close the connection with a TCP reset before answering.
        case reset
        /// Forward the request, then reset instead of relaying the answer (the server acted).
        case resetAfterForwarding
        /// Never answer (until the proxy stops).
        case stall
        /// Run `action` (pause the server, say), then forward as usual.
        case before(@Sendable () -> Void)
    }

    private struct Rule {
        var fault: Fault
        var remaining: Int
        var matches: @Sendable (String) -> Bool
    }

    let port: UInt16
    private let listener: Int32
    private let upstreamPort: UInt16
    private let state = Mutex<(rules: [Rule], seen: [String], stalled: [Int32])>(([], [], []))

    init(upstream endpoint: String) throws {
        guard let port = URL(string: endpoint)?.port.flatMap({ UInt16(exactly: $0) }) else { throw POSIXError(.EINVAL) }
        upstreamPort = port
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        self.port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for fd in state.withLock({ $0.stalled }) { close(fd) }
    }

    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Queues `fault` for the next `count` requests whose request line satisfies `matching`.
    func inject(_ fault: Fault, count: Int = 1, matching: @escaping @Sendable (String) -> Bool = { _ in true }) {
        state.withLock { $0.rules.append(Rule(fault: fault, remaining: count, matches: matching)) }
    }

    /// The request lines seen so far (`PUT /media/t-1/x?partNumber=2&uploadId=… HTTP/1.1`).
    var seen: [String] { state.withLock { $0.seen } }

    /// Faults still queued.
    var pendingFaults: Int { state.withLock { $0.rules.reduce(0) { $0 + $1.remaining } } }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            Thread { [self] in handle(client) }.start()
        }
    }

    private func handle(_ client: Int32) {
        guard let (head, body) = Self.readRequest(client) else {
            close(client)
            return
        }
        let line = String(head.prefix(while: { $0 != "\r" }))
        let fault: Fault? = state.withLock { state in
            state.seen.append(line)
            guard let index = state.rules.firstIndex(where: { $0.remaining > 0 && $0.matches(line) }) else { return nil }
            state.rules[index].remaining -= 1
            let fault = state.rules[index].fault
            if state.rules[index].remaining == 0 { state.rules.remove(at: index) }
            if case .stall = fault { state.stalled.append(client) }
            return fault
        }
        switch fault {
        case .stall?:
            return  // closed by deinit
        case .reset?:
            Self.reset(client)
        case .slowDown?:
            Self.answer(client, 503, "SlowDown")
        case .status(let status, let code)?:
            Self.answer(client, status, code)
        case .before(let action)?:
            action()
            if let response = forward(head: head, body: body) { Self.writeAll(client, response) }
            close(client)
        case .resetAfterForwarding?:
            _ = forward(head: head, body: body)
            Self.reset(client)
        case nil:
            if let response = forward(head: head, body: body) { Self.writeAll(client, response) }
            close(client)
        }
    }

    /// Sends the request upstream on a new connection (asking it to close) and returns all it answered.
    private func forward(head: String, body: Data) -> Data? {
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(upstream) }
        var address = Self.loopback(port: upstreamPort)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let lines = head.components(separatedBy: "\r\n").filter { !$0.lowercased().hasPrefix("connection:") && !$0.isEmpty }
        Self.writeAll(upstream, Data((lines.joined(separator: "\r\n") + "\r\nConnection: close\r\n\r\n").utf8) + body)
        var response = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(upstream, &buffer, buffer.count)
            if count <= 0 { break }
            response.append(contentsOf: buffer[0..<count])
        }
        return response
    }

    /// The request head (through the blank line) and its Content-Length body.
    private static func readRequest(_ fd: Int32) -> (String, Data)? {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        let separator = Data("\r\n\r\n".utf8)
        while data.range(of: separator) == nil {
            let count = read(fd, &buffer, buffer.count)
            if count <= 0 { return nil }
            data.append(contentsOf: buffer[0..<count])
        }
        guard let end = data.range(of: separator) else { return nil }
        let head = String(decoding: data[..<end.upperBound], as: UTF8.self)
        var body = Data(data[end.upperBound...])
        let length = head.components(separatedBy: "\r\n").compactMap { line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
            return Int(parts[1].trimmingCharacters(in: .whitespaces))
        }.first ?? 0
        while body.count < length {
            let count = read(fd, &buffer, min(buffer.count, length - body.count))
            if count <= 0 { return nil }
            body.append(contentsOf: buffer[0..<count])
        }
        return (head, body)
    }

    private static func answer(_ fd: Int32, _ status: Int, _ code: String) {
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>\(code)</Code><Message>injected</Message></Error>"
        writeAll(fd, Data("HTTP/1.1 \(status) Injected\r\nContent-Type: application/xml\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)".utf8))
        close(fd)
    }

    private static func reset(_ fd: Int32) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close(fd)
    }

    private static func writeAll(_ fd: Int32, _ data: Data) {
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                if written <= 0 { return }
                offset += written
            }
        }
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}
