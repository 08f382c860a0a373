import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// In front of the HTTP decoder: the first bytes of a request start its header timeout.
final class RequestStartWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let deadline: NIOLoopBound<ConnectionDeadline>

    init(_ deadline: NIOLoopBound<ConnectionDeadline>) {
        self.deadline = deadline
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadline.value.bytesArrived()
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline.value.stop()
        context.fireChannelInactive()
    }
}

/// After the HTTP decoder: a complete head starts the body timeout, the request's end stops
/// it, the response's end starts the idle timeout; a notification stream's head takes the
/// connection out of the ordinary connection cap.
final class RequestProgressWatcher: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let deadline: NIOLoopBound<ConnectionDeadline>
    private let slot: NIOLoopBound<ConnectionSlot>

    init(_ deadline: NIOLoopBound<ConnectionDeadline>, slot: NIOLoopBound<ConnectionSlot>) {
        self.deadline = deadline
        self.slot = slot
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            deadline.value.requestPart(isHead: true, isEnd: false)
            // A stream leaves the ordinary connection cap; the stream caps count it instead.
            if head.method == .get, NotificationRoutes.isStream(path: head.path ?? "") { slot.value.release() }
        case .body: deadline.value.requestPart(isHead: false, isEnd: false)
        case .end: deadline.value.requestPart(isHead: false, isEnd: true)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { deadline.value.responseEnded() }
        context.write(data, promise: promise)
    }
}
