import Semantics
import Testing
import Telemetry
import PackedSpans

/// Each packer pool numbers keys in a table of its own; a packed span reads its names back from its
/// own table, and the keys the code looks up have the same number in every table.
@Suite struct SymbolTableTests {
    private let origin = Origin(resource: [Attribute("service.name", .string("svc"))])

    private func span(_ attributes: [Attribute], events: [SpanEvent] = []) -> RawSpan {
        RawSpan(traceID: TraceID(high: 1, low: 2), spanID: SpanID(3), name: "chat gpt-4o", kind: .client,
                startNanos: 1_000, endNanos: 2_000, attributes: attributes, events: events, origin: origin)
    }

    @Test func twoTablesNumberTheSameKeysDifferentlyAndEachSpanReadsItsOwn() {
        var first = SpanPacker(symbols: SymbolTable())
        var second = SpanPacker(symbols: SymbolTable())
        // Met in opposite orders, the application's keys get opposite numbers in the two tables.
        let a = span([Attribute("app.alpha", .int(1)), Attribute("app.beta", .int(2))])
        let b = span([Attribute("app.beta", .int(2)), Attribute("app.alpha", .int(1))])
        _ = first.pack(a)
        _ = second.pack(b)
        let call = span([Attribute("gen_ai.request.model", .string("gpt-4o")), Attribute("gen_ai.usage.input_tokens", .int(12)),
                         Attribute("app.alpha", .string("x")), Attribute("app.beta", .string("y"))])
        let fromFirst = first.pack(call), fromSecond = second.pack(call)
        #expect(fromFirst.symbols !== fromSecond.symbols)
        PackedSpanTests.expectSame(fromFirst.unpacked(), call)
        PackedSpanTests.expectSame(fromSecond.unpacked(), call)
        // Looked-up keys are numbered alike everywhere: both read the same call.
        for packed in [fromFirst, fromSecond] {
            let role = Normalizer.read(packed).role
            #expect(role.llm?.requestModel == "gpt-4o")
            #expect(role.llm?.usage.input == 12)
        }
    }

    @Test func aKeyMissingFromTheCatalogIsStillFoundInEveryTable() {
        let key = AttributeKey.uncataloged("app.tenant")
        let event = AttributeKey.uncataloged("app.checkpoint")
        for order in [["app.tenant", "app.other"], ["app.other", "app.tenant"]] {
            var packer = SpanPacker(symbols: SymbolTable())
            let packed = packer.pack(span(order.map { Attribute($0, .string($0 == "app.tenant" ? "acme" : "-")) },
                                          events: [SpanEvent(timeNanos: 1_500, name: "app.checkpoint", attributes: [])]))
            packed.withFacts { facts in
                #expect(facts.attributes[key]?.stringValue == "acme")
                #expect(facts.earliestEvent(named: [event]) == 1_500)
            }
        }
        // A name no table has met is not there.
        var packer = SpanPacker(symbols: SymbolTable())
        packer.pack(span([])).withFacts { #expect($0.attributes[AttributeKey.uncataloged("app.never")] == nil) }
    }

    @Test func aPoolsPackersShareItsTable() {
        let pool = SpanPackerPool()
        let packed = pool.withPacker { $0.pack(span([Attribute("app.alpha", .int(1))])) }
        #expect(packed.symbols === pool.symbols)
        #expect(pool.withPacker { $0.symbols } === pool.symbols)
    }
}
