import Foundation
import Telemetry
import PackedSpans

/// Runs `OTLPTraceScanner` and the reference (swift-protobuf and conversion) on the same bytes and
/// says how they disagree, for the differential test and the `otlp-scanner` fuzz target.
public enum TraceDecoderComparison {
    /// nil when both refuse the bytes, or both accept them with the same batch.
    public static func disagreement(_ body: Data, maxValueDepth: Int = ValueDepthLimit.default,
                                    scanner: inout OTLPTraceScanner) -> String? {
        let reference = Result { () throws(DecodeError) in
            try OTLPDecoder.referenceTraceBatch(protobuf: body, maxValueDepth: maxValueDepth)
        }
        let scanned = Result { () throws(DecodeError) in
            try body.withUnsafeBytes { bytes in Result { () throws(DecodeError) in try scanner.decode(bytes) } }.get()
        }
        if let problem = disagreement(reference, scanned) { return problem }
        // The scanner's packing mode (what the receivers use) must agree too.
        var packer = SpanPacker()
        let packed = Result { () throws(DecodeError) in
            try body.withUnsafeBytes { bytes in
                Result { () throws(DecodeError) in try scanner.decode(bytes, packing: &packer) }
            }.get()
        }
        return disagreement(reference, packed).map { "packing: " + $0 }
    }

    private static func disagreement(_ reference: Result<TelemetryBatch, DecodeError>,
                                     _ scanned: Result<TelemetryBatch, DecodeError>) -> String? {
        switch (reference, scanned) {
        case (.failure, .failure):
            return nil
        case (.success, .failure(let error)):
            return "the scanner refused what swift-protobuf accepts: \(error)"
        case (.failure(let error), .success):
            return "the scanner accepted what swift-protobuf refuses: \(error)"
        case (.success(let expected), .success(let actual)):
            let want = canonical(expected), got = canonical(actual)
            return want == got ? nil : "batches differ:\n--- swift-protobuf\n\(want)\n--- scanner\n\(got)"
        }
    }

    /// Every field of the batch's spans (packed ones unpacked), rejections included, as text (doubles by
    /// bit pattern).
    public static func canonical(_ batch: TelemetryBatch) -> String {
        var out = "rejected \(batch.rejectedSpans) \(batch.rejectionReason ?? "-")\n"
        for span in batch.spans + batch.packedSpans.map({ $0.unpacked() }) {
            out += "span \(span.traceID) \(span.spanID) \(span.parentSpanID) \(span.name.debugDescription) kind \(span.kind.rawValue)"
            out += " \(span.startNanos)..\(span.endNanos) status \(span.statusCode.rawValue) \(span.statusMessage.debugDescription)"
            out += " dropped \(span.dropped)\n"
            let origin = span.origin
            out += "  origin \(origin.scopeName.debugDescription) \(origin.scopeVersion.debugDescription)"
            out += " \(origin.schemaURL.debugDescription) \(origin.serviceName.debugDescription) \(text(origin.resource))\n"
            out += "  attributes \(text(span.attributes))\n"
            for event in span.events {
                out += "  event \(event.timeNanos) \(event.name.debugDescription) \(text(event.attributes))\n"
            }
            for link in span.links {
                out += "  link \(link.traceID) \(link.spanID) \(text(link.attributes))\n"
            }
        }
        return out
    }

    private static func text(_ attributes: [Attribute]) -> String {
        "{" + attributes.map { "\($0.key.debugDescription)=\(text($0.value))" }.joined(separator: ", ") + "}"
    }

    private static func text(_ value: AttributeValue) -> String {
        switch value {
        case .string(let s): "s\(s.debugDescription)"
        case .bool(let b): "b\(b)"
        case .int(let i): "i\(i)"
        case .double(let d): "d\(String(d.bitPattern, radix: 16))"
        case .bytes(let bytes): "x" + bytes.map { String($0, radix: 16) }.joined(separator: ".")
        case .array(let items): "[" + items.map(text).joined(separator: ", ") + "]"
        case .map(let entries): "map" + text(entries)
        case .empty: "empty"
        }
    }
}
