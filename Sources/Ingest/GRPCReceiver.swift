import Foundation
import GRPCCore
import GRPCProtobuf
import OTLPWire
import SwiftProtobuf
import PackedSpans

typealias TraceService = Opentelemetry_Proto_Collector_Trace_V1_TraceService
typealias MetricsService = Opentelemetry_Proto_Collector_Metrics_V1_MetricsService
typealias LogsService = Opentelemetry_Proto_Collector_Logs_V1_LogsService

/// The three OTLP collector services (`TraceService`, `MetricsService`, `LogsService`) on one router.
/// Requests are decoded with tokentop's own deserializer so a malformed one is answered with
/// INVALID_ARGUMENT saying what was wrong, not only which type failed.
struct OTLPGRPCServices: RegistrableRPCService {
    let sink: any TelemetrySink
    /// Largest request message, after gzip inflation.
    let maxRequestBytes: Int
    let maxValueDepth: Int
    let relay: (any RequestRelay)?
    let scanners: OTLPTraceScannerPool

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        registerTraces(router: &router)
        register(MetricsService.Method.Export.descriptor, signal: .metrics, router: &router,
                 convert: { (request: ExportMetricsRequest) in TelemetryBatch(request) }, respond: ExportResponses.metrics)
        register(LogsService.Method.Export.descriptor, signal: .logs, router: &router,
                 convert: { (request: ExportLogsRequest) in TelemetryBatch(request) }, respond: ExportResponses.logs)
    }

    private func register<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message, Transport: ServerTransport>(
        _ method: MethodDescriptor, signal: Signal, router: inout RPCRouter<Transport>,
        convert: @escaping @Sendable (Request) -> TelemetryBatch,
        respond: @escaping @Sendable (TelemetryBatch) -> Response
    ) {
        let sink = sink
        let relay = relay
        router.registerHandler(
            forMethod: method,
            deserializer: ExplainingDeserializer<Request>(maxBytes: maxRequestBytes, maxValueDepth: maxValueDepth),
            serializer: ProtobufSerializer<Response>()
        ) { streaming, _ in
            let request: ServerRequest<Request>
            do {
                request = try await ServerRequest(stream: streaming)
            } catch let error as RPCError {
                // Oversized (RESOURCE_EXHAUSTED from the transport) or undecodable (INVALID_ARGUMENT).
                sink.refused(RequestRefusal(error.code == .resourceExhausted ? .tooLarge : .malformed,
                                            signal: signal, reason: error.message))
                throw error
            }
            let batch = convert(request.message)
            sink.acceptIfNotEmpty(batch)
            if let relay, let body = try? request.message.serializedData() {
                relay.relay(OTLPRequest(signal: signal, body: body, contentType: .protobuf))
            }
            return StreamingServerResponse(single: ServerResponse(message: respond(batch)))
        }
    }
}

extension OTLPGRPCServices {
    /// Trace requests go through `OTLPTraceScanner`; the original bytes are kept only to be relayed.
    private func registerTraces<Transport: ServerTransport>(router: inout RPCRouter<Transport>) {
        let sink = sink
        let relay = relay
        router.registerHandler(
            forMethod: TraceService.Method.Export.descriptor,
            deserializer: ScanningTraceDeserializer(maxBytes: maxRequestBytes, maxValueDepth: maxValueDepth,
                                                    keepsBytes: relay != nil, scanners: scanners),
            serializer: ProtobufSerializer<Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse>()
        ) { streaming, _ in
            let request: ServerRequest<ScannedTraceRequest>
            do {
                request = try await ServerRequest(stream: streaming)
            } catch let error as RPCError {
                sink.refused(RequestRefusal(error.code == .resourceExhausted ? .tooLarge : .malformed,
                                            signal: .traces, reason: error.message))
                throw error
            }
            let batch = request.message.batch
            sink.acceptIfNotEmpty(batch)
            if let relay, let bytes = request.message.bytes {
                relay.relay(OTLPRequest(signal: .traces, body: Data(bytes), contentType: .protobuf))
            }
            return StreamingServerResponse(single: ServerResponse(message: ExportResponses.traces(batch)))
        }
    }
}

/// A trace request as the scanner decoded it, with its bytes when they are to be relayed verbatim.
struct ScannedTraceRequest: Sendable {
    var batch: TelemetryBatch
    var bytes: [UInt8]?
}

/// Decodes trace requests with `OTLPTraceScanner`; refusals as `ExplainingDeserializer`'s.
struct ScanningTraceDeserializer: MessageDeserializer {
    let maxBytes: Int
    let maxValueDepth: Int
    let keepsBytes: Bool
    let scanners: OTLPTraceScannerPool

    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> ScannedTraceRequest {
        try serializedMessageBytes.withUnsafeBytes { bytes in
            guard bytes.count <= maxBytes else { throw RPCError.tooLarge(size: bytes.count, limit: maxBytes) }
            do throws(DecodeError) {
                let batch = try scanners.decode(bytes, maxValueDepth: maxValueDepth)
                return ScannedTraceRequest(batch: batch, bytes: keepsBytes ? Array(bytes) : nil)
            } catch {
                throw RPCError(code: .invalidArgument, message: error.description)
            }
        }
    }
}

/// Protobuf deserializer whose INVALID_ARGUMENT message says what is wrong with the bytes.
/// A message over the limit is RESOURCE_EXHAUSTED.
struct ExplainingDeserializer<Message: SwiftProtobuf.Message>: MessageDeserializer {
    let maxBytes: Int
    let maxValueDepth: Int

    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Message {
        let size = serializedMessageBytes.withUnsafeBytes { $0.count }
        guard size <= maxBytes else { throw RPCError.tooLarge(size: size, limit: maxBytes) }
        let data = serializedMessageBytes.withUnsafeBytes { Data($0) }
        do {
            return try OTLPDecoder.message(protobuf: data, maxValueDepth: maxValueDepth)
        } catch {
            throw RPCError(code: .invalidArgument, message: error.description)
        }
    }
}

extension RPCError {
    static func tooLarge(size: Int, limit: Int) -> RPCError {
        RPCError(code: .resourceExhausted, message: "request message of \(size) bytes exceeds the limit of \(limit) bytes")
    }
}

/// Refuses calls without the bearer token with UNAUTHENTICATED before their message is decoded.
struct BearerTokenInterceptor: ServerInterceptor {
    let token: BearerToken
    let sink: any TelemetrySink

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let authorization = request.metadata[stringValues: "authorization"].first(where: { _ in true })
        guard token.accepts(authorization: authorization) else {
            sink.refused(RequestRefusal(.unauthenticated, signal: Self.signal(of: context.descriptor.service),
                                        reason: BearerToken.refusalMessage))
            throw RPCError(code: .unauthenticated, message: BearerToken.refusalMessage)
        }
        return try await next(request, context)
    }

    private static func signal(of service: ServiceDescriptor) -> Signal? {
        switch service {
        case TraceService.descriptor: .traces
        case MetricsService.descriptor: .metrics
        case LogsService.descriptor: .logs
        default: nil
        }
    }
}
