import Foundation
import Ingest
import Semantics
import Store
import Testing
import Telemetry

/// What `y` copies is valid OTLP/JSON that decodes back to the same span.
@Suite struct SpanExportTests {
    @Test func exportedSpanDecodesBackUnchanged() throws {
        let origin = Origin(resource: [Attribute("service.name", .string("svc")), Attribute("host.arch", .string("x86"))],
                            scopeName: "scope", scopeVersion: "1.0")
        let span = RawSpan(
            traceID: TraceID(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10), spanID: SpanID(0x1112_1314_1516_1718),
            parentSpanID: SpanID(0x2122_2324_2526_2728), name: "chat gpt-4o \u{1b}[31m", kind: .client,
            startNanos: 1_700_000_000_123_456_789, endNanos: 1_700_000_000_987_654_321,
            attributes: [Attribute("gen_ai.usage.input_tokens", .int(-42)), Attribute("d", .double(0.5)),
                         Attribute("b", .bool(true)), Attribute("bytes", .bytes([0, 255])),
                         Attribute("list", .array([.string("a"), .int(9_007_199_254_740_993)])),
                         Attribute("map", .map([Attribute("k", .string("v\"q"))]))],
            events: [SpanEvent(timeNanos: 1_700_000_000_500_000_000, name: "gen_ai.choice",
                               attributes: [Attribute("index", .int(0))])],
            links: [SpanLink(traceID: TraceID(high: 1, low: 2), spanID: SpanID(3), attributes: [])],
            statusCode: .error, statusMessage: "boom", origin: origin)
        let json = SpanExport.otlpJSON(span)
        let batch = try OTLPDecoder.decode(signal: .traces, body: Data(json.utf8), contentType: .json)
        let back = try #require(batch.spans.first)
        #expect(batch.rejectedSpans == 0)
        #expect(back.traceID == span.traceID && back.spanID == span.spanID && back.parentSpanID == span.parentSpanID)
        #expect(back.name == span.name && back.kind == span.kind)
        #expect(back.startNanos == span.startNanos && back.endNanos == span.endNanos)
        #expect(back.attributes == span.attributes)
        #expect(back.events == span.events && back.links == span.links)
        #expect(back.statusCode == .error && back.statusMessage == "boom")
        #expect(back.origin.serviceName == "svc" && back.origin.scopeName == "scope" && back.origin.scopeVersion == "1.0")
    }
}
