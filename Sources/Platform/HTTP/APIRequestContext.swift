public import Hummingbird
import NIOCore

/// The request context of the API's routes: Hummingbird's core storage plus the address of
/// the connection's peer, which `ClientAddress` turns into the client's address.
public struct APIRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address as text; nil for a Unix socket or an unknown peer.
    public let peerAddress: String?

    /// The context of a request arriving on `source.channel`.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress
    }
}
