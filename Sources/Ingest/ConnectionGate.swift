import NIOCore
import Synchronization

/// Bounds the open connections of one receiver: past `limit`, a new connection is closed at once
/// (after a 503 on HTTP) and counted, so a flood of sockets cannot exhaust file descriptors or memory.
final class ConnectionGate: Sendable {
    let limit: Int
    private let open = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    var openConnections: Int { open.load(ordering: .relaxed) }

    /// Counts `channel` in until it closes; false (and nothing counted) when the receiver is full.
    func admit(_ channel: any Channel) -> Bool {
        let (_, admitted) = open.wrappingAdd(1, ordering: .acquiringAndReleasing)
        guard admitted <= limit else {
            open.wrappingSubtract(1, ordering: .acquiringAndReleasing)
            return false
        }
        channel.closeFuture.whenComplete { [self] _ in open.wrappingSubtract(1, ordering: .acquiringAndReleasing) }
        return true
    }
}

/// Answers the one request of a connection over the limit with 503 and `Retry-After`, then closes it.
final class OverloadedHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let message = "too many open connections; retry shortly"

    func channelActive(context: ChannelHandlerContext) {
        let body = Self.message + "\n"
        let response = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: \(body.utf8.count)\r\nRetry-After: 1\r\nConnection: close\r\n\r\n" + body
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: response))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}

/// Slow-loris protection for OTLP/HTTP: a request must arrive whole within `requestTimeout` of its
/// first byte, and a connection may sit idle between requests for `idleTimeout`. A request that runs
/// out of time gets 408 and the connection is closed; an idle connection is just closed.
final class RequestDeadlineHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let requestTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private let onTimeout: @Sendable () -> Void
    private var deadline: Scheduled<Void>?
    /// Bytes of a request have arrived and its response has not been written yet.
    private var inRequest = false

    init(requestTimeout: TimeAmount, idleTimeout: TimeAmount, onTimeout: @escaping @Sendable () -> Void) {
        self.requestTimeout = requestTimeout
        self.idleTimeout = idleTimeout
        self.onTimeout = onTimeout
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(idleTimeout, context: context)
        context.fireChannelActive()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(idleTimeout, context: context) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !inRequest {
            inRequest = true
            arm(requestTimeout, context: context)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // The response is on its way: the request is complete, so the idle clock starts.
        if inRequest {
            inRequest = false
            arm(idleTimeout, context: context)
        }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    private func arm(_ timeout: TimeAmount, context: ChannelHandlerContext) {
        deadline?.cancel()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            let (handler, context) = loopBound.value
            handler.expire(context: context)
        }
    }

    private func expire(context: ChannelHandlerContext) {
        deadline = nil
        guard inRequest else {
            context.close(promise: nil)
            return
        }
        onTimeout()
        let body = "the request did not arrive within \(requestTimeout.nanoseconds / 1_000_000_000) s\n"
        let response = "HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: response))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}
