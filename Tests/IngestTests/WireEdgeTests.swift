import Foundation
import Ingest
import OTLPWire
import Semantics
import SwiftProtobuf
import Testing
import Telemetry
import PackedSpans

/// Edges of the wire formats: missing and invalid ids, empty arrays, every AnyValue shape, OTLP/JSON's
/// choices of spelling for the same value.
@Suite struct WireEdgeTests {
    private func json(_ text: String) throws -> TelemetryBatch {
        try OTLPDecoder.decode(signal: .traces, body: Data(text.utf8), contentType: .json)
    }

    @Test func emptyRequestsAndEmptyArraysDecodeToNothing() throws {
        for text in [#"{}"#, #"{"resourceSpans":[]}"#, #"{"resourceSpans":[{"scopeSpans":[]}]}"#,
                     #"{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"spans":[]}]}]}"#] {
            let batch = try json(text)
            #expect(batch.isEmpty && batch.rejectedSpans == 0, "\(text)")
        }
        let empty = try OTLPDecoder.decode(signal: .traces, body: Data(), contentType: .protobuf)
        #expect(empty.isEmpty && empty.rejectedSpans == 0)
    }

    @Test func spansWithMissingOrInvalidIDsAreRejectedAndTheirSiblingsKept() throws {
        var noSpanID = Build.span(name: "no span id")
        noSpanID.spanID = Data()
        var zeroTrace = Build.span(name: "zero trace id", spanID: Data([9, 9, 9, 9, 9, 9, 9, 9]))
        zeroTrace.traceID = Data(count: 16)
        var shortTrace = Build.span(name: "short trace id", spanID: Data([8, 8, 8, 8, 8, 8, 8, 8]))
        shortTrace.traceID = Data([1, 2, 3])
        var badParent = Build.span(name: "bad parent", spanID: Data([7, 7, 7, 7, 7, 7, 7, 7]))
        badParent.parentSpanID = Data([1, 2])
        let good = Build.span(name: "good")
        let batch = TelemetryBatch(Build.traceRequest([noSpanID, zeroTrace, good, shortTrace, badParent]))
        #expect(batch.spans.map(\.name) == ["good"])
        #expect(batch.rejectedSpans == 4)
        #expect(batch.rejectionReason == "resourceSpans[0].scopeSpans[0].spans[0]: spanId is missing")
    }

    @Test func jsonIDsMustBeHexAndOfTheRightLength() throws {
        let base = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"TRACE","spanId":"1111111111111111","name":"x"}]}]}]}"#
        // Well-formed hex of the wrong length rejects the span (as in protobuf), not the request.
        let short = try json(base.replacingOccurrences(of: "TRACE", with: "0102"))
        #expect(short.spans.isEmpty && short.rejectedSpans == 1)
        #expect(short.rejectionReason == "resourceSpans[0].scopeSpans[0].spans[0]: traceId has 2 bytes, expected 16")
        do {
            _ = try json(base.replacingOccurrences(of: "TRACE", with: String(repeating: "zz", count: 16)))
            Issue.record("non-hex trace id accepted")
        } catch {
            #expect(String(describing: error).contains("resourceSpans[0].scopeSpans[0].spans[0].traceId"), "\(error)")
        }
        let ok = try json(base.replacingOccurrences(of: "TRACE", with: "0102030405060708090A0B0C0D0E0F10"))
        #expect(ok.spans.count == 1, "upper-case hex is accepted")
    }

    @Test func int64AsStringOrNumberAndEnumsAsIntegersGiveTheSameSpan() throws {
        func span(_ start: String, _ tokens: String, kind: String) throws -> RawSpan {
            try #require(json("""
            {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10",
             "spanId":"1111111111111111","name":"chat","kind":\(kind),"startTimeUnixNano":\(start),
             "endTimeUnixNano":"1700000000500000000","status":{"code":2},
             "attributes":[{"key":"gen_ai.usage.input_tokens","value":{"intValue":\(tokens)}}]}]}]}]}
            """).spans.first)
        }
        let a = try span("\"1700000000000000000\"", "\"42\"", kind: "3")
        let b = try span("1700000000000000000", "42", kind: "\"SPAN_KIND_CLIENT\"")
        #expect(a.startNanos == b.startNanos && a.endNanos == b.endNanos && a.kind == b.kind
                && a.attributes == b.attributes && a.statusCode == b.statusCode)
        #expect(a.startNanos == 1_700_000_000_000_000_000)
        #expect(a.attributes["gen_ai.usage.input_tokens"] == .int(42))
        #expect(a.statusCode == .error)
    }

    @Test func everyAnyValueShapeIncludingEmptyOnesIsKept() throws {
        var span = Build.span()
        var list = Opentelemetry_Proto_Common_V1_ArrayValue()
        list.values = [.with { $0.stringValue = "a" }, .with { $0.intValue = 2 }]
        var map = Opentelemetry_Proto_Common_V1_KeyValueList()
        map.values = [Build.keyValue("inner", .boolValue(true))]
        span.attributes = [
            Build.keyValue("s", .stringValue("text")), Build.keyValue("b", .boolValue(false)),
            Build.keyValue("i", .intValue(-5)), Build.keyValue("d", .doubleValue(0.25)),
            Build.keyValue("bytes", .bytesValue(Data([0, 1]))), Build.keyValue("list", .arrayValue(list)),
            Build.keyValue("empty list", .arrayValue(.init())), Build.keyValue("map", .kvlistValue(map)),
            Build.keyValue("no value", nil),
        ]
        let attributes = try #require(TelemetryBatch(Build.traceRequest([span])).spans.first).attributes
        #expect(attributes["s"] == .string("text"))
        #expect(attributes["b"] == .bool(false))
        #expect(attributes["i"] == .int(-5))
        #expect(attributes["d"] == .double(0.25))
        #expect(attributes["bytes"] == .bytes([0, 1]))
        #expect(attributes["list"] == .array([.string("a"), .int(2)]))
        #expect(attributes["empty list"] == .array([]))
        #expect(attributes["map"]?["inner"] == .bool(true))
        #expect(attributes["no value"] == .empty)
    }
}
