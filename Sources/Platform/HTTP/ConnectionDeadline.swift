import NIOCore

/// The one deadline a server connection is under at a time, by phase: waiting for a request
/// (idle timeout), receiving a request head (header timeout), receiving its body (body timeout,
/// measured between reads), or answering (none: the handler's work is not the client's delay).
/// When it passes, the connection is closed; a request handler reading the body then sees the
/// body end early and discards its spool file.
///
/// Confined to the connection's event loop: `RequestStartWatcher` (in front of the HTTP decoder,
/// sees the first byte of a head) and `RequestProgressWatcher` (after it, sees request and
/// response parts) share it through `NIOLoopBound`.
final class ConnectionDeadline {
    enum Phase { case idle, head, body, responding }

    private let channel: any Channel
    private let timeouts: HTTPTimeouts
    private var timer: Scheduled<Void>?
    private(set) var phase = Phase.idle

    init(channel: any Channel, timeouts: HTTPTimeouts) {
        self.channel = channel
        self.timeouts = timeouts
    }

    /// The connection is open and waiting for its first request.
    func start() { enter(.idle) }

    /// Bytes arrived: the first ones after an idle stretch start a request head.
    func bytesArrived() {
        if phase == .idle { enter(.head) }
    }

    /// A request part was decoded.
    func requestPart(isHead: Bool, isEnd: Bool) {
        if isEnd {
            enter(.responding)
        } else if isHead || phase == .body {
            enter(.body)  // re-armed on every body part: the timeout is the longest pause
        }
    }

    /// A response ended: with its request read, the connection waits for the next one.
    func responseEnded() {
        if phase == .responding { enter(.idle) }
    }

    /// Stops the timer (the connection closed).
    func stop() {
        timer?.cancel()
        timer = nil
    }

    private func enter(_ next: Phase) {
        phase = next
        timer?.cancel()
        let timeout: Duration? =
            switch next {
            case .idle: timeouts.idle
            case .head: timeouts.header
            case .body: timeouts.body
            case .responding: nil
            }
        timer = timeout.map { timeout in
            channel.eventLoop.scheduleTask(in: .nanoseconds(timeout.nanoseconds)) { [channel] in
                channel.close(promise: nil)
            }
        }
    }
}
