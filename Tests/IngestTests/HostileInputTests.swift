import Foundation
import Ingest
import OTLPWire
import Semantics
import SwiftProtobuf
import Testing
import PackedSpans


private typealias WireArray = Opentelemetry_Proto_Common_V1_ArrayValue

/// Inputs built to hurt: absurd nesting, huge attribute counts, giant strings. Each is refused with a
/// clear error or kept within limits, never a crash.
@Suite struct HostileInputTests {
    /// An AnyValue array nested `depth` levels deep around one string.
    private static func nestedProtobufValue(depth: Int) -> WireAnyValue {
        var value = WireAnyValue()
        value.stringValue = "core"
        for _ in 0..<depth {
            var array = WireArray()
            array.values = [value]
            var outer = WireAnyValue()
            outer.arrayValue = array
            value = outer
        }
        return value
    }

    private static func nestedJSONValue(depth: Int) -> String {
        String(repeating: #"{"arrayValue":{"values":["#, count: depth) + #"{"stringValue":"core"}"#
            + String(repeating: "]}}", count: depth)
    }

    @Test func protobufAnyValueTenThousandDeepIsMalformedNotACrash() throws {
        // swift-protobuf will not serialize such a message, so the bytes are written by hand.
        let body = Self.encodeDeepRequest(depth: 10_000)
        do {
            _ = try OTLPDecoder.decode(signal: .traces, body: body, contentType: .protobuf)
            Issue.record("a 10,000-deep value was accepted")
        } catch {
            #expect(error.description.contains("nests too deeply"), "\(error)")
        }
    }

    @Test func jsonAnyValueTenThousandDeepIsMalformedNotACrash() throws {
        let text = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1111111111111111","name":"deep","attributes":[{"key":"deep","value":"#
            + Self.nestedJSONValue(depth: 10_000) + "}]}]}]}]}"
        do {
            _ = try OTLPDecoder.decode(signal: .traces, body: Data(text.utf8), contentType: .json)
            Issue.record("a 10,000-deep value was accepted")
        } catch {
            // Refused as the protobuf path refuses it, naming the limit.
            #expect(error.description.contains("nests too deeply") && error.description.contains("--max-value-depth"), "\(error)")
        }
    }

    @Test func moderatelyNestedValuesAreKept() throws {
        var span = Build.span(name: "nested")
        var attribute = Opentelemetry_Proto_Common_V1_KeyValue()
        attribute.key = "nested"
        attribute.value = Self.nestedProtobufValue(depth: 20)
        span.attributes = [attribute]
        let batch = TelemetryBatch(Build.traceRequest([span]))
        #expect(batch.spans.first?.attributes.first?.key == "nested")
    }

    /// `ExportTraceServiceRequest{resource_spans{scope_spans{spans{trace_id, span_id, name, attributes{key, value: deep}}}}}`
    /// written field by field, since swift-protobuf will not serialize past its own depth limit.
    static func encodeDeepRequest(depth: Int) -> Data {
        var value: [UInt8] = [0x0A] + varint(4) + Array("core".utf8)          // AnyValue.string_value = 1
        for _ in 0..<depth {
            let array = [0x0A] + varint(value.count) + value                   // ArrayValue.values = 1
            value = [0x2A] + varint(array.count) + array                       // AnyValue.array_value = 5
        }
        let keyValue = [0x0A, 0x04] + Array("deep".utf8) + [0x12] + varint(value.count) + value
        var span: [UInt8] = [0x0A, 0x10] + Array(1...16)                       // trace_id = 1
        span += [0x12, 0x08] + Array(1...8)                                     // span_id = 2
        span += [0x2A, 0x04] + Array("deep".utf8)                               // name = 5
        span += [0x4A] + varint(keyValue.count) + keyValue                      // attributes = 9
        let scopeSpans = [0x12] + varint(span.count) + span                     // ScopeSpans.spans = 2
        let resourceSpans = [0x12] + varint(scopeSpans.count) + scopeSpans      // ResourceSpans.scope_spans = 2
        return Data([0x0A] + varint(resourceSpans.count) + resourceSpans)       // resource_spans = 1
    }

    private static func varint(_ number: Int) -> [UInt8] {
        var rest = UInt64(number)
        var bytes: [UInt8] = []
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
        return bytes
    }
}
