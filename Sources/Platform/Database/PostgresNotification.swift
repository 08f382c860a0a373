/// A `NOTIFY` delivered to a connection that is listening on its channel.
public struct PostgresNotification: Sendable, Hashable {
    /// The channel name, as given to `LISTEN`.
    public var channel: String
    /// The payload; empty when the sender gave none.
    public var payload: String
    /// The process id of the server backend that sent it.
    public var senderProcessID: Int32

    public init(channel: String, payload: String, senderProcessID: Int32) {
        self.channel = channel
        self.payload = payload
        self.senderProcessID = senderProcessID
    }
}
