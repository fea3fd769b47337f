import AsyncHTTPClient
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import NIOCore
import NIOPosix
import OTLPWire

/// How one attempt went.
public enum ExportOutcome: Sendable, Equatable {
    /// Accepted; `rejected` spans, log records or data points of it were refused (OTLP's partial success).
    case delivered(rejected: Int)
    case retry(after: Duration?, reason: String)
    case failed(reason: String)

    public static let delivered = ExportOutcome.delivered(rejected: 0)
}

/// Sends OTLP export requests to one endpoint: `--forward`'s upstreams, the demo's traffic and the
/// load generator's gRPC connections all go through one of these.
public protocol OTLPExporter: Sendable {
    func send(_ request: OTLPRequest) async -> ExportOutcome
    /// Closes the connections once what is in flight is done.
    func close() async
}

public enum OTLPExporters {
    /// The exporter for the endpoint's transport; `headers` go with every request (gRPC metadata).
    public static func exporter(to endpoint: OTLPEndpoint, headers: [(String, String)] = [],
                                timeout: Duration = .seconds(10)) -> any OTLPExporter {
        switch endpoint.transport {
        case .http: HTTPExporter(target: endpoint, headers: headers, timeout: timeout)
        case .grpc(let host, let port, let tls): GRPCExporter(host: host, port: port, tls: tls, headers: headers, timeout: timeout)
        }
    }
}

/// OTLP/HTTP: the body goes out as it is, with its content type and encoding.
public struct HTTPExporter: OTLPExporter {
    let target: OTLPEndpoint
    let headers: [(String, String)]
    let timeout: Duration
    let client: HTTPClient

    public init(target: OTLPEndpoint, headers: [(String, String)], timeout: Duration) {
        self.target = target
        self.headers = headers
        self.timeout = timeout
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 8
        configuration.decompression = .disabled
        client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }

    public func send(_ request: OTLPRequest) async -> ExportOutcome {
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
                                body: Data(body.readableBytesView), signal: request.signal,
                                json: request.contentType == .json)
        } catch {
            return .retry(after: nil, reason: "\(url.host ?? ""): \(Self.describe(error))")
        }
    }

    /// OTLP/HTTP's rules: 2xx delivered; 429, 502, 503, 504 retried (after `Retry-After` when given); the rest final.
    static func outcome(status: Int, retryAfter: String?, body: Data, signal: Signal = .traces, json: Bool = false) -> ExportOutcome {
        switch status {
        case 200..<300:
            return .delivered(rejected: PartialSuccess.rejected(in: body, signal: signal, json: json))
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

    public func close() async { try? await client.shutdown() }
}

/// OTLP/gRPC: the protobuf message (JSON bodies are converted, gzip'ed ones inflated; the transport
/// compresses on its own terms, gzip when `gzip`).
public final class GRPCExporter: OTLPExporter {
    private let client: GRPCClient<HTTP2ClientTransport.Posix>?
    private let connections: Task<Void, Never>?
    private let metadata: Metadata
    private let timeout: Duration
    private let setupError: String?
    private let failFast: Bool

    /// `failFast`: a call fails at once while the connection is down, instead of waiting for it.
    public init(host: String, port: Int, tls: Bool, headers: [(String, String)], timeout: Duration, gzip: Bool = false,
                failFast: Bool = false) {
        self.failFast = failFast
        var metadata = Metadata()
        for (name, value) in headers { metadata.addString(value, forKey: name.lowercased()) }
        self.metadata = metadata
        self.timeout = timeout
        do {
            let transport = try HTTP2ClientTransport.Posix(
                target: .dns(host: host, port: port),
                transportSecurity: tls ? .tls : .plaintext,
                config: .defaults {
                    $0.compression.enabledAlgorithms = .all
                    $0.compression.algorithm = gzip ? .gzip : .none
                })
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

    public func send(_ request: OTLPRequest) async -> ExportOutcome {
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
        if failFast { options.waitForReady = false }
        do {
            let reply = try await client.unary(
                request: ClientRequest(message: message, metadata: metadata),
                descriptor: Self.descriptor(for: request.signal),
                serializer: PassThroughSerializer(),
                deserializer: BytesDeserializer(),
                options: options
            ) { response in try response.message }
            return .delivered(rejected: PartialSuccess.rejected(in: reply, signal: request.signal, json: false))
        } catch let error as RPCError {
            return Self.outcome(error)
        } catch {
            return .retry(after: nil, reason: "\(error)")
        }
    }

    /// OTLP/gRPC's retryable codes; RESOURCE_EXHAUSTED and the rest are final.
    static func outcome(_ error: RPCError) -> ExportOutcome {
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

    public func close() async {
        client?.beginGracefulShutdown()
        await connections?.value
    }
}

private struct PassThroughSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: Data) throws -> Bytes { Bytes(Array(message)) }
}

private struct BytesDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Data {
        serializedMessageBytes.withUnsafeBytes { Data($0) }
    }
}

/// What an export response says was refused of the request (OTLP's `partial_success`), 0 when it says
/// nothing or cannot be read.
public enum PartialSuccess {
    public static func rejected(in body: Data, signal: Signal, json: Bool) -> Int {
        guard !body.isEmpty else { return 0 }
        if json {
            guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
                  let partial = object["partialSuccess"] as? [String: Any] else { return 0 }
            let key = switch signal {
            case .traces: "rejectedSpans"
            case .logs: "rejectedLogRecords"
            case .metrics: "rejectedDataPoints"
            }
            if let number = partial[key] as? Int { return number }
            return Int(partial[key] as? String ?? "") ?? 0
        }
        switch signal {
        case .traces:
            return Int((try? Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse(serializedBytes: body))?
                .partialSuccess.rejectedSpans ?? 0)
        case .logs:
            return Int((try? Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse(serializedBytes: body))?
                .partialSuccess.rejectedLogRecords ?? 0)
        case .metrics:
            return Int((try? Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse(serializedBytes: body))?
                .partialSuccess.rejectedDataPoints ?? 0)
        }
    }
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
