import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1 child channel with the connection cap and the header, body and idle
/// timeouts of `HTTPTimeouts` around it (HTTP1Channel's own idle timeout neither separates
/// a slow head from a keep-alive wait nor caps connections).
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let responder: HTTPChannelHandler.Responder
    let timeouts: HTTPTimeouts
    let connections: ConnectionCounter

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        // Failing the setup would surface as an error on the listening channel and stop the
        // accept loop; a connection past the cap is set up and closed at once instead.
        let admitted = connections.acquire()
        let slot = NIOLoopBound(ConnectionSlot(connections, held: admitted), eventLoop: channel.eventLoop)
        if admitted {
            channel.closeFuture.whenComplete { _ in slot.value.release() }
        }
        let deadline = NIOLoopBound(ConnectionDeadline(channel: channel, timeouts: timeouts), eventLoop: channel.eventLoop)
        let inner = HTTP1Channel(
            responder: responder, configuration: .init(additionalChannelHandlers: [RequestProgressWatcher(deadline, slot: slot)]))
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(RequestStartWatcher(deadline))
        }.flatMap {
            inner.setup(channel: channel, logger: logger)
        }.map { value in
            if admitted {
                deadline.value.start()
            } else {
                logger.debug("connection refused: at the connection limit", metadata: ["limit": "\(connections.limit)"])
                channel.close(promise: nil)
            }
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await HTTP1Channel(responder: responder).handle(value: value, logger: logger)
    }
}
