import GRPCCore
import GRPCNIOTransportHTTP2
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Telemetry
import PackedSpans

/// The OTLP/gRPC and OTLP/HTTP receivers, started together and stopped together.
public final class OTLPServers: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port.
        public var grpcPort: Int
        public var httpPort: Int
        /// Largest request body, as received and after gzip inflation.
        public var maxRequestBytes: Int
        /// How deeply attribute values may nest (see `ValueDepthLimit`); deeper requests are malformed.
        public var maxValueDepth = ValueDepthLimit.default
        public var sink: any TelemetrySink
        /// When set, every request must carry `Authorization: Bearer <token>`.
        public var token: BearerToken?
        public static let defaultMaxConnections = 256
        public static let defaultRequestTimeoutSeconds = 30.0
        public static let defaultIdleTimeoutSeconds = 120.0
        /// Open connections per receiver; past it new ones are refused.
        public var maxConnections = defaultMaxConnections
        /// An OTLP/HTTP request must arrive whole within this time of its first byte.
        public var requestTimeout = Duration.milliseconds(Int64(defaultRequestTimeoutSeconds * 1000))
        /// A connection with no request in flight is closed after this long.
        public var idleTimeout = Duration.milliseconds(Int64(defaultIdleTimeoutSeconds * 1000))
        /// Gets every accepted request (`--forward`).
        public var relay: (any RequestRelay)?
        /// Serve both receivers over TLS.
        public var tls: ServerTLS?
        /// Answers `GET /api/summary` on the HTTP port (given the query string) with a JSON body; the
        /// path is not served when nil.
        public var summary: (@Sendable (_ query: String) -> [UInt8])?
        /// Which web pages may export from a browser (`--cors-origin`).
        public var cors = CORSPolicy.loopback
        /// The packers the receivers pack spans with: the store's (`LiveStore.packers`), so that one
        /// symbol table numbers the keys of every stored span.
        public var packers: SpanPackerPool

        public init(host: String = OTLPPorts.loopbackHost, grpcPort: Int = OTLPPorts.grpc, httpPort: Int = OTLPPorts.http,
                    maxRequestBytes: Int = OTLPDecoder.defaultMaxBytes, token: BearerToken? = nil,
                    sink: any TelemetrySink, packers: SpanPackerPool = SpanPackerPool()) {
            self.host = host
            self.grpcPort = grpcPort
            self.httpPort = httpPort
            self.maxRequestBytes = maxRequestBytes
            self.token = token
            self.sink = sink
            self.packers = packers
        }
    }

    /// `host:port` each receiver is bound to (the real port when 0 was asked for).
    public let grpcAddress: String
    public let httpAddress: String
    private let grpcServer: GRPCServer<HTTP2ServerTransport.Posix>
    private let grpcTask: Task<Void, any Error>
    private let httpChannel: any Channel

    private init(grpcAddress: String, httpAddress: String, grpcServer: GRPCServer<HTTP2ServerTransport.Posix>,
                 grpcTask: Task<Void, any Error>, httpChannel: any Channel) {
        self.grpcAddress = grpcAddress
        self.httpAddress = httpAddress
        self.grpcServer = grpcServer
        self.grpcTask = grpcTask
        self.httpChannel = httpChannel
    }

    /// Binds both receivers; throws `ListenError` naming the receiver and port that could not be bound.
    public static func start(_ configuration: Configuration) async throws(ListenError) -> OTLPServers {
        let host = configuration.host == "localhost" ? "127.0.0.1" : configuration.host
        // One pool for both receivers: a scanner's interned strings serve whichever request comes next.
        let scanners = OTLPTraceScannerPool(packing: configuration.packers)
        let httpChannel = try await startHTTP(host: host, configuration: configuration, scanners: scanners)
        let httpPort = httpChannel.localAddress?.port ?? configuration.httpPort

        let grpcGate = ConnectionGate(limit: configuration.maxConnections)
        let transport = HTTP2ServerTransport.Posix(
            address: host.contains(":") ? .ipv6(host: host, port: configuration.grpcPort)
                                        : .ipv4(host: host, port: configuration.grpcPort),
            transportSecurity: configuration.tls.map { tls in
                .tls(certificateChain: [.file(path: tls.certificatePath, format: .pem)],
                     privateKey: .file(path: tls.privateKeyPath, format: .pem))
            } ?? .plaintext,
            config: .defaults { config in
                config.compression.enabledAlgorithms = .all
                // The transport resets the stream (the client sees UNAVAILABLE) past its own limit, so
                // it gets headroom and the real limit is applied when decoding, which answers
                // RESOURCE_EXHAUSTED with a message; only inflation beyond the headroom is cut off.
                config.rpc.maxRequestPayloadSize = Self.grpcTransportLimit(for: configuration.maxRequestBytes)
                config.connection.maxIdleTime = configuration.idleTimeout
                config.http2.maxConcurrentStreams = 100
                config.channelDebuggingCallbacks.onAcceptTCPConnection = { channel in
                    if !grpcGate.admit(channel) {
                        configuration.sink.refused(RequestRefusal(.tooManyConnections, signal: nil,
                                                                  reason: OverloadedHTTPHandler.message))
                        channel.close(promise: nil)
                    }
                    return channel.eventLoop.makeSucceededVoidFuture()
                }
            })
        let server = GRPCServer(
            transport: transport,
            services: [OTLPGRPCServices(sink: configuration.sink, maxRequestBytes: configuration.maxRequestBytes,
                                        maxValueDepth: configuration.maxValueDepth, relay: configuration.relay,
                                        scanners: scanners)],
            interceptors: configuration.token.map { [BearerTokenInterceptor(token: $0, sink: configuration.sink)] } ?? [])
        let task = Task { try await server.serve() }
        let grpcPort: Int
        do {
            let address = try await transport.listeningAddress
            grpcPort = address.ipv4?.port ?? address.ipv6?.port ?? configuration.grpcPort
        } catch {
            // `serve()` fails with the bind error itself, which says more than `listeningAddress`.
            var cause: any Error = error
            do { try await task.value } catch let serveError { cause = serveError }
            try? await httpChannel.close()
            throw ListenError(receiver: .grpc, host: host, port: configuration.grpcPort, reason: Self.describe(cause))
        }
        return OTLPServers(grpcAddress: Self.format(host: host, port: grpcPort),
                           httpAddress: Self.format(host: host, port: httpPort),
                           grpcServer: server, grpcTask: task, httpChannel: httpChannel)
    }

    /// Stops accepting and closes both receivers.
    public func shutdown() async {
        grpcServer.beginGracefulShutdown()
        try? await httpChannel.close()
        _ = try? await grpcTask.value
    }

    private static func startHTTP(host: String, configuration: Configuration,
                                  scanners: OTLPTraceScannerPool) async throws(ListenError) -> any Channel {
        let sink = configuration.sink
        let limit = configuration.maxRequestBytes
        let maxValueDepth = configuration.maxValueDepth
        let token = configuration.token
        let relay = configuration.relay
        let summary = configuration.summary
        let cors = configuration.cors
        let tlsContext = configuration.tls?.context
        let gate = ConnectionGate(limit: configuration.maxConnections)
        let requestTimeout = TimeAmount(configuration.requestTimeout)
        let idleTimeout = TimeAmount(configuration.idleTimeout)
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tlsContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext))
                    }
                    guard gate.admit(channel) else {
                        sink.refused(RequestRefusal(.tooManyConnections, signal: nil, reason: OverloadedHTTPHandler.message))
                        try channel.pipeline.syncOperations.addHandler(OverloadedHTTPHandler())
                        return
                    }
                    try channel.pipeline.syncOperations.addHandler(RequestDeadlineHandler(
                        requestTimeout: requestTimeout, idleTimeout: idleTimeout,
                        onTimeout: { sink.refused(RequestRefusal(.timedOut, signal: nil, reason: "request timed out")) }))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(OTLPHTTPHandler(
                        sink: sink, maxRequestBytes: limit, maxValueDepth: maxValueDepth, token: token, relay: relay,
                        summary: summary, cors: cors, scanners: scanners))
                }
            }
        do {
            return try await bootstrap.bind(host: host, port: configuration.httpPort).get()
        } catch {
            throw ListenError(receiver: .http, host: host, port: configuration.httpPort, reason: describe(error))
        }
    }

    static func grpcTransportLimit(for maxRequestBytes: Int) -> Int {
        let (headroom, overflow) = maxRequestBytes.multipliedReportingOverflow(by: 16)
        return overflow ? Int(UInt32.max) : min(max(headroom, 64 << 20), Int(UInt32.max))
    }

    private static func format(host: String, port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private static func describe(_ error: any Error) -> String {
        if let io = error as? IOError {
            switch io.errnoCode {
            case EADDRINUSE: return "address already in use"
            case EADDRNOTAVAIL: return "address not available on this machine"
            case EACCES: return "permission denied"
            default: return io.description
            }
        }
        if let rpc = error as? RPCError {
            if let cause = rpc.cause { return describe(cause) }
            return rpc.message
        }
        let text = String(describing: error)
        if text.contains("Address already in use") || text.contains("EADDRINUSE") { return "address already in use" }
        return text
    }
}

/// A receiver could not be bound.
public struct ListenError: Error, Sendable, CustomStringConvertible {
    public enum Receiver: String, Sendable {
        case grpc = "OTLP/gRPC"
        case http = "OTLP/HTTP"
        case prometheus = "Prometheus scrapes"
    }

    public var receiver: Receiver
    public var host: String
    public var port: Int
    public var reason: String

    public var description: String {
        "cannot listen for \(receiver.rawValue) on \(host):\(port): \(reason)"
    }
}
