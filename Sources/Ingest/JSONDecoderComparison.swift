import Foundation
import SwiftProtobuf

/// Reads an OTLP/JSON request both ways, the one-pass rewriter and the tree reference
/// (`JSONSerialization`), and says how they disagree, for the differential test and the `otlp-json`
/// fuzz target. Each way ends in the swift-protobuf message; equal messages give equal batches.
public enum JSONDecoderComparison {
    /// nil when both refuse, or both accept with the same message. The one-pass way may refuse what
    /// the tree accepts where the tree never looks, so these do not count as disagreeing: a top-level
    /// key of a second signal with a bad id inside; a key given twice in one object, or a field
    /// spelled both ways (`traceId`, `trace_id`), where the tree keeps one value and the one pass
    /// hands swift-protobuf both (so with a repeated key the messages may differ too); escapes, which
    /// the tree resolves before swift-protobuf sees them; a comma before `]` or `}`, which
    /// `JSONSerialization` lets pass and JSON does not.
    public static func disagreement(_ body: Data) -> String? {
        let onePass = Result { () throws(DecodeError) in try protobuf(of: OTLPJSON.protoJSON(body, signal: nil)) }
        let tree = Result { () throws(DecodeError) in
            let object = try OTLPJSONTree.parseObject(body)
            guard let signal = OTLPJSONTree.signal(of: object) else { throw DecodeError.notARequest }
            return try protobuf(of: (OTLPJSONTree.protoJSON(from: object, signal: signal), signal))
        }
        switch (tree, onePass) {
        case (.failure, .failure):
            return nil
        case (.failure(let error), .success):
            // The tree refuses numbers that Swift's Double cannot hold (1e400) and some escapes that
            // swift-protobuf takes; only a refusal about JSON itself counts.
            return error.description.hasPrefix("invalid JSON") ? nil : "the one pass accepted what the tree refuses: \(error)"
        case (.success, .failure(let error)):
            return mayRefuseAlone(body) ? nil : "the one pass refused what the tree accepts: \(error)"
        case (.success(let expected), .success(let actual)):
            // A repeated key: the tree keeps the last value, swift-protobuf merges both (lists append).
            return expected == actual || hasRepeatedKey(body) ? nil : "messages differ:\n--- tree\n\(expected)\n--- one pass\n\(actual)"
        }
    }

    /// The request message as text (its protobuf encoding compared), from proto3 JSON.
    private static func protobuf(of protoJSON: (json: Data, signal: Signal?)) throws(DecodeError) -> String {
        guard let signal = protoJSON.signal else { throw .notARequest }
        let body = try OTLPDecoder.protobufBody(fromProtoJSON: protoJSON.json, signal: signal)
        return "\(signal): " + body.map { String(format: "%02x", $0) }.joined()
    }

    private static func mayRefuseAlone(_ body: Data) -> Bool {
        let text = String(decoding: body, as: UTF8.self)
        let signals = ["resourceSpans", "resource_spans", "resourceMetrics", "resource_metrics", "resourceLogs", "resource_logs"]
        let bothSpellings = [("traceId", "trace_id"), ("spanId", "span_id"), ("parentSpanId", "parent_span_id")]
        return signals.filter { text.contains("\"\($0)\"") }.count > 1
            || bothSpellings.contains { text.contains("\"\($0.0)\"") && text.contains("\"\($0.1)\"") }
            || text.contains("\\u") || hasRepeatedKey(body) || hasTrailingComma(body)
    }

    /// Whether a comma outside strings is followed (after whitespace) by `]` or `}`.
    static func hasTrailingComma(_ body: Data) -> Bool {
        let bytes = [UInt8](body)
        var index = 0
        var afterComma = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                while index < bytes.count && bytes[index] != UInt8(ascii: "\"") { index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1 }
                afterComma = false
            } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                if afterComma { return true }
            } else if !JSONIDRewriter.isWhitespace(byte) {
                afterComma = byte == UInt8(ascii: ",")
            }
            index += 1
        }
        return false
    }

    /// Whether some object in the JSON gives a key twice (the tree keeps only the last).
    static func hasRepeatedKey(_ body: Data) -> Bool {
        var objects: [Set<[UInt8]>?] = []  // nil for a list
        var expectingKey = false
        let bytes = [UInt8](body)
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"): objects.append([]); expectingKey = true
            case UInt8(ascii: "["): objects.append(nil); expectingKey = false
            case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = objects.popLast(); expectingKey = false
            case UInt8(ascii: ","): expectingKey = objects.last.map { $0 != nil } ?? false
            case UInt8(ascii: ":"): expectingKey = false
            case UInt8(ascii: "\""):
                var end = index + 1
                while end < bytes.count && bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
                if expectingKey, let last = objects.indices.last, objects[last] != nil,
                   !objects[last]!.insert(Array(bytes[(index + 1)..<min(end, bytes.count)])).inserted {
                    return true
                }
                index = end
            default: break
            }
            index += 1
        }
        return false
    }
}
