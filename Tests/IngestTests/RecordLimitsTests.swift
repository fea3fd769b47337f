import Foundation
import Ingest
import OTLPWire
import Semantics
import Testing
import Telemetry
import PackedSpans

/// `RecordLimits`: what is over a bound is dropped or cut and counted; what is within is left alone.
@Suite struct RecordLimitsTests {
    private let limits = RecordLimits(maxAttributes: 256, maxEvents: 4, maxLinks: 2, maxValueBytes: 1_000)

    /// Limited as decoded by swift-protobuf and by the wire scanner (whose batches say how large their
    /// spans can be, so that the limits may skip them): both must come out the same.
    private func limited(_ spans: [WireSpan], limits: RecordLimits? = nil) -> TelemetryBatch {
        let limits = limits ?? self.limits
        let request = Build.traceRequest(spans)
        var reference = TelemetryBatch(request)
        limits.apply(to: &reference)
        var scanner = OTLPTraceScanner()
        var scanned: TelemetryBatch
        do {
            scanned = try scanner.decode(Array(try request.serializedData()))
        } catch {
            Issue.record("the scanner refused the request: \(error)")
            return reference
        }
        #expect(scanned.spanExtents != nil)
        limits.apply(to: &scanned)
        #expect(TraceDecoderComparison.canonical(scanned) == TraceDecoderComparison.canonical(reference))
        #expect(scanned.limitCounts == reference.limitCounts)
        // Packed straight from the wire (as the receivers decode), limits are applied to the packed spans.
        var packer = SpanPacker()
        if var packed = try? Array(try request.serializedData()).withUnsafeBytes({ bytes in
            try scanner.decode(bytes, packing: &packer)
        }) {
            #expect(packed.spans.isEmpty && packed.packedSpans.count == request.resourceSpans[0].scopeSpans[0].spans.count)
            limits.apply(to: &packed)
            // A span cut and packed again stays numbered in its packer's table.
            #expect(packed.packedSpans.allSatisfy { $0.symbols === packer.symbols })
            #expect(TraceDecoderComparison.canonical(packed) == TraceDecoderComparison.canonical(reference))
            #expect(packed.limitCounts == reference.limitCounts)
        } else {
            Issue.record("the scanner refused the request when packing")
        }
        return scanned
    }

    /// Each list nested somewhere in a span, one entry over a bound far below the others: the scanner's
    /// measure must see it, or the span would skip the limits.
    @Test(arguments: ["span attributes", "event attributes", "link attributes", "array", "map", "events"])
    func aListOverABoundIsCutWhereverItIsNested(_ place: String) throws {
        let tight = RecordLimits(maxAttributes: 4, maxEvents: 4, maxLinks: 100, maxValueBytes: 100_000)
        let five = (0..<5).map { Build.keyValue("k\($0)", .intValue(Int64($0))) }
        var span = Build.span(name: "nested")
        var event = Opentelemetry_Proto_Trace_V1_Span.Event()
        event.name = "e"
        switch place {
        case "span attributes": span.attributes = five
        case "event attributes":
            event.attributes = five
            span.events = [event]
        case "link attributes":
            var link = Opentelemetry_Proto_Trace_V1_Span.Link()
            link.traceID = Data(repeating: 1, count: 16)
            link.spanID = Data(repeating: 2, count: 8)
            link.attributes = five
            span.links = [link]
        case "array":
            var array = Opentelemetry_Proto_Common_V1_ArrayValue()
            array.values = five.map(\.value)
            span.attributes = [Build.keyValue("list", .arrayValue(array))]
        case "map":
            var map = Opentelemetry_Proto_Common_V1_KeyValueList()
            map.values = five
            span.attributes = [Build.keyValue("map", .kvlistValue(map))]
        default: span.events = Array(repeating: event, count: 5)
        }
        let batch = limited([span], limits: tight)
        #expect(batch.limitCounts.droppedAttributes + batch.limitCounts.droppedEvents == 1)
    }

    @Test func scannedSpansThatCannotExceedABoundAreNotWalkedButAChangedBatchIs() throws {
        var batch = try OTLPTraceScanner().decodeCopy(Build.traceRequest([Build.span(name: "small")]))
        #expect(batch.spanExtents.map { $0.longestList <= 256 && $0.longestSpanBytes < 1_000 } == true)
        batch.spans[0].name = String(repeating: "n", count: 5_000)
        #expect(batch.spanExtents == nil, "a changed span list is measured no more")
        limits.apply(to: &batch)
        #expect(batch.spans[0].name.hasSuffix("…[cut: 5,000 bytes]"))
    }

    @Test func aHundredThousandAttributesKeepTheFirstOnesAndCountTheRest() throws {
        var span = Build.span(name: "crowded")
        span.attributes = (0..<100_000).map { Build.keyValue("k\($0)", .intValue(Int64($0))) }
        let batch = limited([span])
        let kept = try #require(batch.spans.first)
        #expect(kept.attributes.count == 256)
        #expect(kept.attributes.first?.key == "k0" && kept.attributes.last?.key == "k255")
        #expect(kept.dropped == DroppedCounts(attributes: 99_744))
        #expect(batch.limitCounts.droppedAttributes == 99_744)
    }

    @Test func eventsLinksAndTheirAttributesAreBounded() throws {
        var span = Build.span(name: "busy")
        span.events = (0..<10).map { index in
            var event = Opentelemetry_Proto_Trace_V1_Span.Event()
            event.name = "e\(index)"
            event.attributes = (0..<300).map { Build.keyValue("a\($0)", .boolValue(true)) }
            return event
        }
        span.links = (0..<5).map { index in
            var link = Opentelemetry_Proto_Trace_V1_Span.Link()
            link.traceID = Data(repeating: UInt8(index + 1), count: 16)
            link.spanID = Data(repeating: UInt8(index + 1), count: 8)
            return link
        }
        let batch = limited([span])
        let kept = try #require(batch.spans.first)
        #expect(kept.events.map(\.name) == ["e0", "e1", "e2", "e3"])
        #expect(kept.events.allSatisfy { $0.attributes.count == 256 })
        #expect(kept.links.count == 2)
        #expect(kept.dropped == DroppedCounts(attributes: 4 * 44, events: 6, links: 3))
        #expect(batch.limitCounts.droppedEvents == 6 && batch.limitCounts.droppedLinks == 3)
        #expect(batch.limitCounts.droppedAttributes == 4 * 44)
    }

    @Test func longStringsAreCutOnACharacterBoundaryWithAVisibleMark() throws {
        // 999 ASCII bytes then a 4-byte emoji straddling the 1,000-byte bound.
        let text = String(repeating: "a", count: 999) + "🦀" + String(repeating: "b", count: 5_000)
        var span = Build.span(name: "long")
        span.attributes = [Build.keyValue("gen_ai.prompt", .stringValue(text)),
                           Build.keyValue("short", .stringValue("kept as is"))]
        let batch = limited([span])
        let kept = try #require(batch.spans.first)
        let value = try #require(kept.attributes["gen_ai.prompt"]?.stringValue)
        #expect(value == String(repeating: "a", count: 999) + "…[cut: 6,003 bytes]")
        #expect(kept.attributes["short"]?.stringValue == "kept as is")
        #expect(batch.limitCounts.cutValues == 1)
    }

    @Test func nestedArraysAndMapsAreBoundedToo() throws {
        var array = Opentelemetry_Proto_Common_V1_ArrayValue()
        array.values = (0..<1_000).map { index in
            var value = WireAnyValue()
            value.intValue = Int64(index)
            return value
        }
        var map = Opentelemetry_Proto_Common_V1_KeyValueList()
        map.values = [Build.keyValue("inner", .stringValue(String(repeating: "x", count: 2_000)))]
        var span = Build.span(name: "nested")
        span.attributes = [Build.keyValue("list", .arrayValue(array)), Build.keyValue("map", .kvlistValue(map))]
        let batch = limited([span])
        let kept = try #require(batch.spans.first)
        guard case .array(let items)? = kept.attributes["list"] else { Issue.record("list lost"); return }
        #expect(items.count == 256)
        #expect(kept.attributes["map"]?["inner"]?.stringValue?.hasSuffix("…[cut: 2,000 bytes]") == true)
        #expect(batch.limitCounts.droppedAttributes == 744)
        #expect(batch.limitCounts.cutValues == 1)
    }

    @Test func recordsWithinTheBoundsAreUntouched() throws {
        var span = Build.span(name: "ordinary")
        span.attributes = (0..<20).map { Build.keyValue("k\($0)", .stringValue("value \($0)")) }
        let before = TelemetryBatch(Build.traceRequest([span]))
        let after = limited([span])
        #expect(after.spans.first?.attributes == before.spans.first?.attributes)
        #expect(after.spans.first?.dropped == DroppedCounts())
        #expect(after.limitCounts == LimitCounts())
    }

    @Test func logBodiesAndAttributesAreBounded() throws {
        let origin = Origin(resource: [], scopeName: "s", scopeVersion: "", schemaURL: "")
        var batch = TelemetryBatch(logs: [RawLogRecord(timeNanos: 1, eventName: "gen_ai.choice",
                                                       body: .string(String(repeating: "z", count: 3_000)),
                                                       attributes: (0..<300).map { Attribute("a\($0)", .int(1)) },
                                                       origin: origin)])
        limits.apply(to: &batch)
        #expect(batch.logs[0].attributes.count == 256)
        #expect(batch.logs[0].droppedAttributes == 44)
        #expect(batch.logs[0].body.stringValue?.hasSuffix("…[cut: 3,000 bytes]") == true)
        #expect(batch.limitCounts.droppedAttributes == 44 && batch.limitCounts.cutValues == 1)
    }
}

private extension OTLPTraceScanner {
    func decodeCopy(_ request: Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest) throws -> TelemetryBatch {
        var scanner = self
        return try scanner.decode(Array(try request.serializedData()))
    }
}
