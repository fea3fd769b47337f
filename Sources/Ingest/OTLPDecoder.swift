import Foundation
import NIOCore
import SwiftProtobuf
import PackedSpans

/// Decodes OTLP export request bodies (protobuf or OTLP/JSON, optionally gzip'ed) into wire-neutral batches.
public enum OTLPDecoder {
    /// The default limit for a request body, before and after inflation.
    public static let defaultMaxBytes = 4 * 1024 * 1024

    /// Decodes one `Export*ServiceRequest` body.
    /// - Parameter maxBytes: limit for the body as given and, when gzip'ed, for the inflated body.
    /// - Parameter maxValueDepth: how deeply attribute values may nest (see `ValueDepthLimit`).
    /// - Parameter scanners: protobuf trace requests are read by these, into `packedSpans` (the form
    ///   the store keeps, the receivers' way) when they pack; otherwise, and with none given (a
    ///   scanner for this body alone), every decoder gives `spans`.
    public static func decode(signal: Signal, body: Data, contentType: ContentType,
                              contentEncoding: ContentEncoding = .identity,
                              maxBytes: Int = defaultMaxBytes,
                              maxValueDepth: Int = ValueDepthLimit.default,
                              scanners: OTLPTraceScannerPool? = nil) throws(DecodeError) -> TelemetryBatch {
        guard body.count <= maxBytes else { throw .bodyTooLarge(limit: maxBytes) }
        switch contentEncoding {
        case .identity:
            return try decode(signal: signal, body: body, contentType: contentType, maxValueDepth: maxValueDepth,
                              scanners: scanners)
        case .gzip:
            let inflated = try GzipInflater.inflate(ByteBuffer(bytes: body), limit: maxBytes)
            if signal == .traces && contentType == .protobuf {
                return try inflated.withUnsafeReadableBytes { bytes in
                    Result { () throws(DecodeError) in
                        try (scanners ?? OTLPTraceScannerPool(packing: nil)).decode(bytes, maxValueDepth: maxValueDepth)
                    }
                }.get()
            }
            return try decode(signal: signal, body: Data(inflated.readableBytesView), contentType: contentType,
                              maxValueDepth: maxValueDepth)
        }
    }

    /// Inflates a gzip body, failing with `.inflatedTooLarge` as soon as the output passes `maxBytes`.
    public static func gunzip(_ body: Data, maxBytes: Int = defaultMaxBytes) throws(DecodeError) -> Data {
        Data(try GzipInflater.inflate(ByteBuffer(bytes: body), limit: maxBytes).readableBytesView)
    }

    /// Decodes an uncompressed body (no size limit is applied here).
    public static func decode(signal: Signal, body: Data, contentType: ContentType,
                              maxValueDepth: Int = ValueDepthLimit.default,
                              scanners: OTLPTraceScannerPool? = nil) throws(DecodeError) -> TelemetryBatch {
        switch contentType {
        case .protobuf: try decodeProtobuf(signal: signal, body: body, maxValueDepth: maxValueDepth, scanners: scanners)
        case .json: try decodeProtoJSON(signal: signal, json: OTLPJSON.protoJSON(body, signal: signal).json,
                                        maxValueDepth: maxValueDepth)
        }
    }

    /// Decodes one OTLP/JSON request object whose signal is given by its top-level key
    /// (`resourceSpans`, `resourceMetrics` or `resourceLogs`), as in collector file-exporter lines.
    public static func decodeJSONRequest(_ body: Data, maxValueDepth: Int = ValueDepthLimit.default)
        throws(DecodeError) -> (signal: Signal, batch: TelemetryBatch) {
        let (json, signal) = try OTLPJSON.protoJSON(body, signal: nil)
        guard let signal else { throw .notARequest }
        return (signal, try decodeProtoJSON(signal: signal, json: json, maxValueDepth: maxValueDepth))
    }

    /// What `decodeJSONRequest` gives, the way it was read before the one-pass rewriter: parsed into a
    /// tree by `JSONSerialization`, ids rewritten there, serialized again. Kept as the reference for
    /// tests, fuzzing and benchmarks.
    public static func referenceJSONRequest(_ body: Data, maxValueDepth: Int = ValueDepthLimit.default)
        throws(DecodeError) -> (signal: Signal, batch: TelemetryBatch) {
        let object = try OTLPJSONTree.parseObject(body)
        guard let signal = OTLPJSONTree.signal(of: object) else { throw .notARequest }
        let json = try OTLPJSONTree.protoJSON(from: object, signal: signal)
        return (signal, try decodeProtoJSON(signal: signal, json: json, maxValueDepth: maxValueDepth))
    }

    /// The protobuf encoding of an OTLP/JSON export request (ids from hex, enums and int64 as OTLP allows).
    public static func protobufBody(fromJSON body: Data, signal: Signal) throws(DecodeError) -> Data {
        try protobufBody(fromProtoJSON: OTLPJSON.protoJSON(body, signal: signal).json, signal: signal)
    }

    static func protobufBody(fromProtoJSON protoJSON: Data, signal: Signal) throws(DecodeError) -> Data {
        do {
            switch signal {
            case .traces: return try (message(json: protoJSON) as ExportTraceRequest).serializedData()
            case .metrics: return try (message(json: protoJSON) as ExportMetricsRequest).serializedData()
            case .logs: return try (message(json: protoJSON) as ExportLogsRequest).serializedData()
            }
        } catch let error as DecodeError {
            throw error
        } catch {
            throw .malformed("cannot encode as protobuf: \(error)")
        }
    }

    // MARK: - Messages

    public static func traceRequest(protobuf body: Data,
                                    maxValueDepth: Int = ValueDepthLimit.default) throws(DecodeError) -> ExportTraceRequest {
        try message(protobuf: body, maxValueDepth: maxValueDepth)
    }

    public static func metricsRequest(protobuf body: Data,
                                      maxValueDepth: Int = ValueDepthLimit.default) throws(DecodeError) -> ExportMetricsRequest {
        try message(protobuf: body, maxValueDepth: maxValueDepth)
    }

    public static func logsRequest(protobuf body: Data,
                                   maxValueDepth: Int = ValueDepthLimit.default) throws(DecodeError) -> ExportLogsRequest {
        try message(protobuf: body, maxValueDepth: maxValueDepth)
    }

    /// swift-protobuf's decoding of a trace request, checked for value depth and converted: what
    /// `OTLPTraceScanner` must equal. Kept as the reference for tests, fuzzing and benchmarks.
    public static func referenceTraceBatch(protobuf body: Data,
                                           maxValueDepth: Int = ValueDepthLimit.default) throws(DecodeError) -> TelemetryBatch {
        let request = try traceRequest(protobuf: body, maxValueDepth: maxValueDepth)
        try ValueDepthLimit.check(request, limit: maxValueDepth, refusalPrefix: "invalid protobuf ExportTraceServiceRequest")
        return TelemetryBatch(request)
    }

    private static func decodeProtobuf(signal: Signal, body: Data, maxValueDepth: Int,
                                       scanners: OTLPTraceScannerPool?) throws(DecodeError) -> TelemetryBatch {
        switch signal {
        case .traces:
            try body.withUnsafeBytes { bytes in
                Result { () throws(DecodeError) in
                    try (scanners ?? OTLPTraceScannerPool(packing: nil)).decode(bytes, maxValueDepth: maxValueDepth)
                }
            }.get()
        case .metrics: TelemetryBatch(try metricsRequest(protobuf: body, maxValueDepth: maxValueDepth))
        case .logs: TelemetryBatch(try logsRequest(protobuf: body, maxValueDepth: maxValueDepth))
        }
    }

    /// Decodes proto3 JSON (OTLP/JSON with its ids already in base64).
    static func decodeProtoJSON(signal: Signal, json protoJSON: Data,
                                maxValueDepth: Int = ValueDepthLimit.default) throws(DecodeError) -> TelemetryBatch {
        switch signal {
        case .traces:
            let request: ExportTraceRequest = try message(json: protoJSON, maxValueDepth: maxValueDepth)
            try ValueDepthLimit.check(request, limit: maxValueDepth, refusalPrefix: "invalid OTLP/JSON ExportTraceServiceRequest")
            return TelemetryBatch(request)
        case .metrics: return TelemetryBatch(try message(json: protoJSON, maxValueDepth: maxValueDepth) as ExportMetricsRequest)
        case .logs: return TelemetryBatch(try message(json: protoJSON, maxValueDepth: maxValueDepth) as ExportLogsRequest)
        }
    }

    static func message<M: SwiftProtobuf.Message>(protobuf body: Data,
                                                  maxValueDepth: Int = ValueDepthLimit.default) throws(DecodeError) -> M {
        var options = BinaryDecodingOptions()
        options.messageDepthLimit = ValueDepthLimit.messageDepthLimit(for: signal(of: M.self), maxValueDepth: maxValueDepth)
        do {
            return try M(serializedBytes: body, options: options)
        } catch {
            throw .malformed("invalid protobuf \(M.shortName): \(describe(error, maxValueDepth: maxValueDepth))")
        }
    }

    private static func message<M: SwiftProtobuf.Message>(json body: Data,
                                                          maxValueDepth: Int = ValueDepthLimit.default) throws(DecodeError) -> M {
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = true
        options.messageDepthLimit = ValueDepthLimit.messageDepthLimit(for: signal(of: M.self), maxValueDepth: maxValueDepth)
        do {
            return try M(jsonUTF8Data: body, options: options)
        } catch {
            throw .malformed("invalid OTLP/JSON \(M.shortName): \(describe(error, maxValueDepth: maxValueDepth))")
        }
    }

    /// The signal whose depth limit applies to a message type (the requests; anything else as traces).
    private static func signal<M: SwiftProtobuf.Message>(of type: M.Type) -> Signal {
        switch type {
        case is ExportMetricsRequest.Type: .metrics
        case is ExportLogsRequest.Type: .logs
        default: .traces
        }
    }

    static func nestingRefusal(maxValueDepth: Int) -> String {
        "the message nests too deeply (attribute values may nest \(maxValueDepth) levels, see --max-value-depth)"
    }

    static func describe(_ error: any Error, maxValueDepth: Int = ValueDepthLimit.default) -> String {
        switch error {
        case BinaryDecodingError.truncated: "the message is truncated"
        case BinaryDecodingError.malformedProtobuf: "the bytes are not a valid protobuf encoding"
        case BinaryDecodingError.invalidUTF8: "a string field is not valid UTF-8"
        case BinaryDecodingError.messageDepthLimit, JSONDecodingError.messageDepthLimit: nestingRefusal(maxValueDepth: maxValueDepth)
        case JSONDecodingError.unrecognizedEnumValue: "an enum field has an unknown value"
        case JSONDecodingError.schemaMismatch: "a field has the wrong JSON type"
        case JSONDecodingError.malformedNumber: "a number field is malformed"
        case JSONDecodingError.numberRange: "a number is out of range for its field"
        case JSONDecodingError.malformedString: "a string field is malformed (bytes fields must be base64)"
        case JSONDecodingError.conflictingOneOf: "more than one value set for a oneof (e.g. AnyValue)"
        case JSONDecodingError.failure: "a field does not match the OTLP schema (wrong JSON type or unknown value)"
        default: String(describing: error)
        }
    }
}

extension SwiftProtobuf.Message {
    /// `ExportTraceServiceRequest` for `opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest`.
    static var shortName: String {
        String(Self.protoMessageName.split(separator: ".").last ?? Substring(Self.protoMessageName))
    }
}
