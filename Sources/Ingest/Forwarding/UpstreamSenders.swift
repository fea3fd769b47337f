import AsyncHTTPClient
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NIOCore
import NIOPosix
import OTLPWire

/// OTLP/HTTP upstream: the body goes out as it came in, with its content type and encoding.
struct HTTPUpstreamSender: UpstreamSender {
    let target: ForwardTarget
    let headers: [(String, String)]
    let timeout: Duration
    let client: HTTPClient

    init(target: ForwardTarget, headers: [(String, String)], timeout: Duration) {
        self.target = target
        self.headers = headers
        self.timeout = timeout
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 8
        configuration.decompression = .disabled
        client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }

    func send(_ request: ForwardedRequest) async -> DeliveryOutcome {
        guard let url = target.url(for: request.signal) else { return .failed(reason: "not an HTTP target") }
        var post = HTTPClientRequest(url: url.absoluteString)
        post.method = .POST
        post.headers.add(name: "Content-Type", value: request.contentType.headerValue)
        if request.contentEncoding == .gzip { post.headers.add(name: "Content-Encoding", value: "gzip") }
        for (name, value) in headers { post.headers.replaceOrAdd(name: name, value: value) }
        post.body = .bytes(ByteBuffer(bytes: request.body))
        do {
            let response = try await client.execute(post, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
                                                                               + timeout.components.attoseconds / 1_000_000_000))
            let body = try await response.body.collect(upTo: 64 << 10)
            return Self.outcome(status: Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"),
                                body: Data(body.readableBytesView))
        } catch {
            return .retry(after: nil, reason: "\(url.host ?? ""): \(Self.describe(error))")
        }
    }

    /// OTLP/HTTP's rules: 2xx delivered; 429, 502, 503, 504 retried (after `Retry-After` when given); the rest final.
    static func outcome(status: Int, retryAfter: String?, body: Data) -> DeliveryOutcome {
        switch status {
        case 200..<300:
            return .delivered
        case 429, 502, 503, 504:
            return .retry(after: retryAfter.flatMap { HTTPRetryAfter.parse($0) }, reason: "HTTP \(status)")
        default:
            let text = String(decoding: body.prefix(200), as: UTF8.self)
                .filter { !$0.isNewline && !($0.asciiValue.map { $0 < 0x20 } ?? false) }
            return .failed(reason: "HTTP \(status)" + (text.isEmpty ? "" : ": \(text)"))
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let io = error as? IOError { return io.description }
        if let client = error as? HTTPClientError { return client.description }
        return String(describing: error)
    }

    func close() async { try? await client.shutdown() }
}

/// OTLP/gRPC upstream: the protobuf message (JSON bodies are converted, gzip'ed ones inflated; the
/// transport compresses on its own terms).
final class GRPCUpstreamSender: UpstreamSender {
    private let client: GRPCClient<HTTP2ClientTransport.Posix>?
    private let connections: Task<Void, Never>?
    private let metadata: Metadata
    private let timeout: Duration
    private let setupError: String?

    init(host: String, port: Int, tls: Bool, headers: [(String, String)], timeout: Duration) {
        var metadata = Metadata()
        for (name, value) in headers { metadata.addString(value, forKey: name.lowercased()) }
        self.metadata = metadata
        self.timeout = timeout
        do {
            let transport = try HTTP2ClientTransport.Posix(
                target: .dns(host: host, port: port),
                transportSecurity: tls ? .tls : .plaintext)
            let client = GRPCClient(transport: transport)
            self.client = client
            connections = Task { try? await client.runConnections() }
            setupError = nil
        } catch {
            client = nil
            connections = nil
            setupError = "\(error)"
        }
    }

    func send(_ request: ForwardedRequest) async -> DeliveryOutcome {
        guard let client else { return .failed(reason: setupError ?? "no gRPC client") }
        let message: Data
        do {
            var body = request.body
            if request.contentEncoding == .gzip { body = try OTLPDecoder.gunzip(body, maxBytes: Int.max) }
            message = request.contentType == .json ? try OTLPDecoder.protobufBody(fromJSON: body, signal: request.signal) : body
        } catch {
            return .failed(reason: "cannot convert for gRPC: \(error)")
        }
        var options = CallOptions.defaults
        options.timeout = timeout
        do {
            try await client.unary(
                request: ClientRequest(message: message, metadata: metadata),
                descriptor: Self.descriptor(for: request.signal),
                serializer: PassThroughSerializer(),
                deserializer: IgnoringDeserializer(),
                options: options
            ) { response in _ = try response.message }
            return .delivered
        } catch let error as RPCError {
            return Self.outcome(error)
        } catch {
            return .retry(after: nil, reason: "\(error)")
        }
    }

    /// OTLP/gRPC's retryable codes; RESOURCE_EXHAUSTED and the rest are final.
    static func outcome(_ error: RPCError) -> DeliveryOutcome {
        let reason = "gRPC \(error.code): \(error.message)"
        switch error.code {
        case .cancelled, .deadlineExceeded, .aborted, .outOfRange, .unavailable, .dataLoss:
            return .retry(after: nil, reason: reason)
        default:
            return .failed(reason: reason)
        }
    }

    static func descriptor(for signal: Signal) -> MethodDescriptor {
        switch signal {
        case .traces: Opentelemetry_Proto_Collector_Trace_V1_TraceService.Method.Export.descriptor
        case .metrics: Opentelemetry_Proto_Collector_Metrics_V1_MetricsService.Method.Export.descriptor
        case .logs: Opentelemetry_Proto_Collector_Logs_V1_LogsService.Method.Export.descriptor
        }
    }

    func close() async {
        client?.beginGracefulShutdown()
        await connections?.value
    }
}

private struct PassThroughSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: Data) throws -> Bytes { Bytes(Array(message)) }
}

/// The export response carries at most a partial_success note; the relay does not need it.
private struct IgnoringDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Void {}
}

/// `Retry-After` as delay-seconds or an HTTP-date.
public enum HTTPRetryAfter {
    public static func parse(_ value: String, now: Date = Date()) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return .milliseconds(max(0, Int64(date.timeIntervalSince(now) * 1000)))
    }
}
