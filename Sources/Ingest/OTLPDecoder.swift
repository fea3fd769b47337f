import Foundation
import NIOCore
import Semantics
import SwiftProtobuf

/// Decodes OTLP export request bodies (protobuf or OTLP/JSON, optionally gzip'ed) into wire-neutral batches.
public enum OTLPDecoder {
    /// The default limit for a request body, before and after inflation.
    public static let defaultMaxBytes = 4 * 1024 * 1024

    /// Decodes one `Export*ServiceRequest` body.
    /// - Parameter maxBytes: limit for the body as given and, when gzip'ed, for the inflated body.
    public static func decode(signal: Signal, body: Data, contentType: ContentType,
                              contentEncoding: ContentEncoding = .identity,
                              maxBytes: Int = defaultMaxBytes) throws(DecodeError) -> TelemetryBatch {
        guard body.count <= maxBytes else { throw .bodyTooLarge(limit: maxBytes) }
        switch contentEncoding {
        case .identity:
            return try decode(signal: signal, body: body, contentType: contentType)
        case .gzip:
            let inflated = try GzipInflater.inflate(ByteBuffer(bytes: body), limit: maxBytes)
            return try decode(signal: signal, body: Data(inflated.readableBytesView), contentType: contentType)
        }
    }

    /// Inflates a gzip body, failing with `.inflatedTooLarge` as soon as the output passes `maxBytes`.
    public static func gunzip(_ body: Data, maxBytes: Int = defaultMaxBytes) throws(DecodeError) -> Data {
        Data(try GzipInflater.inflate(ByteBuffer(bytes: body), limit: maxBytes).readableBytesView)
    }

    /// Decodes an uncompressed body (no size limit is applied here).
    public static func decode(signal: Signal, body: Data, contentType: ContentType) throws(DecodeError) -> TelemetryBatch {
        switch contentType {
        case .protobuf: try decodeProtobuf(signal: signal, body: body)
        case .json: try decodeJSON(signal: signal, object: OTLPJSON.parseObject(body))
        }
    }

    /// Decodes one OTLP/JSON request object whose signal is given by its top-level key
    /// (`resourceSpans`, `resourceMetrics` or `resourceLogs`), as in collector file-exporter lines.
    public static func decodeJSONRequest(_ body: Data) throws(DecodeError) -> (signal: Signal, batch: TelemetryBatch) {
        let object = try OTLPJSON.parseObject(body)
        guard let signal = OTLPJSON.signal(of: object) else {
            throw .malformed("not an OTLP/JSON export request: no resourceSpans, resourceMetrics or resourceLogs")
        }
        return (signal, try decodeJSON(signal: signal, object: object))
    }

    /// The protobuf encoding of an OTLP/JSON export request (ids from hex, enums and int64 as OTLP allows).
    public static func protobufBody(fromJSON body: Data, signal: Signal) throws(DecodeError) -> Data {
        let protoJSON = try OTLPJSON.protoJSON(from: OTLPJSON.parseObject(body), signal: signal)
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

    public static func traceRequest(protobuf body: Data) throws(DecodeError) -> ExportTraceRequest {
        try message(protobuf: body)
    }

    public static func metricsRequest(protobuf body: Data) throws(DecodeError) -> ExportMetricsRequest {
        try message(protobuf: body)
    }

    public static func logsRequest(protobuf body: Data) throws(DecodeError) -> ExportLogsRequest {
        try message(protobuf: body)
    }

    private static func decodeProtobuf(signal: Signal, body: Data) throws(DecodeError) -> TelemetryBatch {
        switch signal {
        case .traces: TelemetryBatch(try traceRequest(protobuf: body))
        case .metrics: TelemetryBatch(try metricsRequest(protobuf: body))
        case .logs: TelemetryBatch(try logsRequest(protobuf: body))
        }
    }

    static func decodeJSON(signal: Signal, object: [String: Any]) throws(DecodeError) -> TelemetryBatch {
        let protoJSON = try OTLPJSON.protoJSON(from: object, signal: signal)
        switch signal {
        case .traces: return TelemetryBatch(try message(json: protoJSON) as ExportTraceRequest)
        case .metrics: return TelemetryBatch(try message(json: protoJSON) as ExportMetricsRequest)
        case .logs: return TelemetryBatch(try message(json: protoJSON) as ExportLogsRequest)
        }
    }

    static func message<M: SwiftProtobuf.Message>(protobuf body: Data) throws(DecodeError) -> M {
        do {
            return try M(serializedBytes: body)
        } catch {
            throw .malformed("invalid protobuf \(M.shortName): \(describe(error))")
        }
    }

    private static func message<M: SwiftProtobuf.Message>(json body: Data) throws(DecodeError) -> M {
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = true
        do {
            return try M(jsonUTF8Data: body, options: options)
        } catch {
            throw .malformed("invalid OTLP/JSON \(M.shortName): \(describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case BinaryDecodingError.truncated: "the message is truncated"
        case BinaryDecodingError.malformedProtobuf: "the bytes are not a valid protobuf encoding"
        case BinaryDecodingError.invalidUTF8: "a string field is not valid UTF-8"
        case BinaryDecodingError.messageDepthLimit: "the message nests too deeply"
        case JSONDecodingError.unrecognizedEnumValue: "an enum field has an unknown value"
        case JSONDecodingError.schemaMismatch: "a field has the wrong JSON type"
        case JSONDecodingError.malformedNumber: "a number field is malformed"
        case JSONDecodingError.numberRange: "a number is out of range for its field"
        case JSONDecodingError.malformedString: "a string field is malformed (bytes fields must be base64)"
        case JSONDecodingError.conflictingOneOf: "more than one value set for a oneof (e.g. AnyValue)"
        case JSONDecodingError.messageDepthLimit: "the message nests too deeply"
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
