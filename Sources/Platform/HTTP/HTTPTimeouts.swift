/// How long the HTTP server waits on a client before closing the connection.
///
/// A connection is always in one phase: waiting for a request (`idle`), receiving a request
/// head (`header`, from its first byte to the blank line), or receiving a body (`body`, the
/// longest pause between two reads, so a large upload on a slow link is fine as long as it
/// keeps moving). While the server is producing a response no timeout runs.
public struct HTTPTimeouts: Sendable, Hashable {
    /// A request head must be complete within this long of its first byte.
    public var header: Duration
    /// The longest pause between two reads of a request body.
    public var body: Duration
    /// How long a connection may wait for its next (or first) request.
    public var idle: Duration

    /// Defaults: head 10 s, body pauses 30 s, idle 60 s.
    public init(header: Duration = .seconds(10), body: Duration = .seconds(30), idle: Duration = .seconds(60)) {
        self.header = header
        self.body = body
        self.idle = idle
    }
}
