import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A Prometheus scrape endpoint: `GET /metrics` answers with what `render` returns, in the text
/// exposition format; anything else is 404 or 405.
public final class MetricsEndpoint: Sendable {
    /// `host:port` it is bound to.
    public let address: String
    private let channel: any Channel

    private init(address: String, channel: any Channel) {
        self.address = address
        self.channel = channel
    }

    /// With `token`, a scrape must carry `Authorization: Bearer <token>` (Prometheus: `authorization` in the scrape config).
    /// With `tls`, it is served over HTTPS only (Prometheus: `scheme: https` and `tls_config`).
    public static func start(host: String, port: Int, token: BearerToken? = nil, tls: ServerTLS? = nil,
                             render: @escaping @Sendable () -> String) async throws(ListenError) -> MetricsEndpoint {
        let tlsContext = tls?.context
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tlsContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(ScrapeHandler(token: token, render: render))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: host, port: port).get()
            let bound = channel.localAddress?.port ?? port
            return MetricsEndpoint(address: host.contains(":") ? "[\(host)]:\(bound)" : "\(host):\(bound)", channel: channel)
        } catch {
            throw ListenError(receiver: .prometheus, host: host, port: port, reason: String(describing: error))
        }
    }

    public func shutdown() async {
        try? await channel.close()
    }
}

private final class ScrapeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let token: BearerToken?
    private let render: @Sendable () -> String
    private var head: HTTPRequestHead?

    init(token: BearerToken?, render: @escaping @Sendable () -> String) {
        self.token = token
        self.render = render
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request): head = request
        case .body: break
        case .end:
            guard let request = head else { return }
            head = nil
            let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.uri
            let authorized = token?.accepts(authorization: request.headers.first(name: "Authorization")) ?? true
            let (status, type, body): (HTTPResponseStatus, String, String) =
                !authorized ? (.unauthorized, "text/plain; charset=utf-8", BearerToken.refusalMessage + "\n")
                : path != "/metrics" ? (.notFound, "text/plain; charset=utf-8", "scrape /metrics\n")
                : request.method != .GET && request.method != .HEAD ? (.methodNotAllowed, "text/plain; charset=utf-8", "use GET\n")
                : (.ok, "text/plain; version=0.0.4; charset=utf-8", render())
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: type)
            headers.add(name: "Content-Length", value: String(body.utf8.count))
            if !authorized { headers.add(name: "WWW-Authenticate", value: "Bearer realm=\"tokentop\"") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))),
                          promise: nil)
            if request.method != .HEAD {
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
