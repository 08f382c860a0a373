import CLibPQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension DatabaseConnection {
    /// Starts listening on `channel`. Notifications arrive only between transactions.
    ///
    /// `channel` must be an identifier (letters, digits, `_`, at most 63 bytes, not starting with
    /// a digit); it is case-sensitive. Throws `.invalidConfiguration` otherwise.
    public func listen(_ channel: String) throws {
        try execute("LISTEN \(try quotedChannel(channel))")
    }

    /// Stops listening on `channel`.
    public func unlisten(_ channel: String) throws {
        try execute("UNLISTEN \(try quotedChannel(channel))")
    }

    /// Sends a notification on `channel` (`pg_notify`); delivered when the current transaction
    /// commits.
    public func notify(_ channel: String, payload: String = "") throws {
        try Self.validateChannel(channel)
        try query("SELECT pg_notify($1, $2)", [channel, payload])
    }

    /// Returns the next notification for a channel this connection listens on, or nil when
    /// `timeout` passes first. Blocks the calling thread in `poll()`, never spinning.
    ///
    /// Throws `.connectionLost` when the connection breaks while waiting.
    public func waitForNotification(timeout: Duration) throws -> PostgresNotification? {
        try waitForNotification(timeout: timeout, wake: nil, isCancelled: { false })
    }

    /// The wait behind `waitForNotification(timeout:)`: also returns early, throwing
    /// `.cancelled`, once `isCancelled()` is true; `wake.signal()` interrupts the `poll()` so that
    /// is noticed at once.
    func waitForNotification(
        timeout: Duration, wake: WakeSignal?, isCancelled: () -> Bool
    ) throws -> PostgresNotification? {
        let deadline = ContinuousClock.now + timeout
        while true {
            wake?.drain()
            if let notification = nextBufferedNotification() { return notification }
            if isCancelled() { throw DatabaseError(.cancelled, "the wait for a notification was cancelled") }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { return nil }

            let socket = PQsocket(handle)
            guard socket >= 0, isConnected else {
                throw DatabaseError(.connectionLost, "connection lost: \(LibPQ.errorMessage(handle))")
            }
            var descriptors = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0)]
            if let wake { descriptors.append(pollfd(fd: wake.readDescriptor, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&descriptors, nfds_t(descriptors.count), Self.milliseconds(remaining))
            if ready < 0 {
                guard errno == EINTR else {
                    throw DatabaseError(.connectionLost, "poll on the connection failed: errno \(errno)")
                }
                continue
            }
            if descriptors[0].revents != 0, PQconsumeInput(handle) == 0 || !isConnected {
                throw DatabaseError(.connectionLost, "connection lost while listening: \(LibPQ.errorMessage(handle))")
            }
        }
    }

    /// A notification libpq has already read, if any. Parses buffered input, never reads the socket.
    private func nextBufferedNotification() -> PostgresNotification? {
        guard let raw = PQnotifies(handle) else { return nil }
        defer { PQfreemem(raw) }
        let notify = raw.pointee
        return PostgresNotification(
            channel: String(cString: notify.relname),
            payload: notify.extra.map { String(cString: $0) } ?? "",
            senderProcessID: notify.be_pid)
    }

    private func quotedChannel(_ channel: String) throws -> String {
        try Self.validateChannel(channel)
        guard let quoted = PQescapeIdentifier(handle, channel, channel.utf8.count) else {
            throw DatabaseError(.queryFailed, "cannot quote channel \(channel): \(LibPQ.errorMessage(handle))")
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }

    /// Throws `.invalidConfiguration` unless `channel` is a plain identifier.
    static func validateChannel(_ channel: String) throws {
        let bytes = Array(channel.utf8)
        let valid =
            !bytes.isEmpty && bytes.count <= 63
            && bytes.allSatisfy { $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0) || isLetter($0) }
            && !(0x30...0x39).contains(bytes[0])
        guard valid else {
            throw DatabaseError(.invalidConfiguration, "'\(channel)' is not a valid channel name")
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    /// `poll()`'s timeout: rounded up so a wait never ends just short of its deadline.
    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let millis = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: max(millis, 0))
    }
}
