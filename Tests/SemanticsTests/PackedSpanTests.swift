import Foundation
import Semantics
import Testing
import Telemetry
import PackedSpans
import Synthetic

/// Packing is lossless: every span of every fixture, and random spans with every kind of value, come
/// back from `PackedSpan.unpacked()` exactly as they went in.
@Suite struct PackedSpanTests {
    static let scenarios = try! FileManager.default.contentsOfDirectory(atPath: Fixture.root.path)
        .filter { !$0.hasSuffix(".md") }.sorted()

    static func expectSame(_ unpacked: RawSpan, _ raw: RawSpan, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(unpacked.traceID == raw.traceID, sourceLocation: sourceLocation)
        #expect(unpacked.spanID == raw.spanID, sourceLocation: sourceLocation)
        #expect(unpacked.parentSpanID == raw.parentSpanID, sourceLocation: sourceLocation)
        #expect(unpacked.name == raw.name, sourceLocation: sourceLocation)
        #expect(unpacked.kind == raw.kind, sourceLocation: sourceLocation)
        #expect(unpacked.startNanos == raw.startNanos, sourceLocation: sourceLocation)
        #expect(unpacked.endNanos == raw.endNanos, sourceLocation: sourceLocation)
        #expect(unpacked.attributes == raw.attributes, sourceLocation: sourceLocation)
        #expect(unpacked.events == raw.events, sourceLocation: sourceLocation)
        #expect(unpacked.links == raw.links, sourceLocation: sourceLocation)
        #expect(unpacked.statusCode == raw.statusCode, sourceLocation: sourceLocation)
        #expect(unpacked.statusMessage == raw.statusMessage, sourceLocation: sourceLocation)
        #expect(unpacked.dropped == raw.dropped, sourceLocation: sourceLocation)
        #expect(unpacked.origin === raw.origin, sourceLocation: sourceLocation)
    }

    @Test(arguments: scenarios)
    func fixtureSpansComeBackUnchanged(scenario: String) throws {
        var packer = SpanPacker()
        let spans = try Fixture.batch(scenario).spans
        // Twice, so the second round packs from the shared values the first left behind.
        for raw in spans + spans {
            let packed = packer.pack(raw)
            Self.expectSame(packed.unpacked(), raw)
            #expect(packed.name == raw.name)
        }
    }

    @Test func randomSpansComeBackUnchanged() {
        var random = SeededRandom(seed: 0xBAC_0001)
        var packer = SpanPacker()
        let origin = Origin(resource: [Attribute("service.name", .string("svc"))])
        for _ in 0..<2_000 {
            var raw = RawSpan(traceID: TraceID(high: random.next(), low: random.next()), spanID: SpanID(random.next()),
                              parentSpanID: SpanID(random.next() % 3 == 0 ? 0 : random.next()),
                              name: Self.text(&random), kind: SpanKind(rawValue: Int(random.next() % 6))!,
                              startNanos: random.next(), endNanos: random.next(),
                              attributes: Self.attributes(&random, depth: 3),
                              statusCode: StatusCode(rawValue: Int(random.next() % 3))!,
                              statusMessage: Self.text(&random), origin: origin)
            raw.events = (0..<Int(random.next() % 4)).map { _ in
                SpanEvent(timeNanos: random.next(), name: Self.text(&random), attributes: Self.attributes(&random, depth: 2))
            }
            raw.links = (0..<Int(random.next() % 3)).map { _ in
                SpanLink(traceID: TraceID(high: random.next(), low: random.next()), spanID: SpanID(random.next()),
                         attributes: Self.attributes(&random, depth: 1))
            }
            raw.dropped = DroppedCounts(attributes: Int(random.next() % 1_000), events: Int(random.next() % 3),
                                        links: Int(random.next() % 300))
            Self.expectSame(packer.pack(raw).unpacked(), raw)
        }
    }

    @Test func repeatedLongValuesAreSharedNotCopied() {
        var packer = SpanPacker()
        let prompt = String(repeating: "You are a careful assistant. ", count: 20)
        let origin = Origin(resource: [])
        func span(_ id: UInt64) -> RawSpan {
            RawSpan(traceID: TraceID(high: 1, low: id), spanID: SpanID(id), name: "chat", startNanos: 1, endNanos: 2,
                    attributes: [Attribute("gen_ai.system_instructions", .string(prompt)),
                                 Attribute("gen_ai.response.id", .string("chatcmpl-\(id)"))],
                    origin: origin)
        }
        let first = packer.pack(span(1))
        let second = packer.pack(span(2))
        #expect(first.bodyBytes > prompt.utf8.count, "the first copy is packed")
        #expect(second.bodyBytes < 200, "later ones refer to it")
        #expect(second.unpacked().attributes["gen_ai.system_instructions"]?.stringValue == prompt)
    }

    @Test func keysPastTheSymbolBoundAndHostileTextComeBackUnchanged() {
        var packer = SpanPacker()
        let origin = Origin(resource: [])
        // Longer than any key the symbol table numbers: packed as text instead.
        let longKey = "app." + String(repeating: "k", count: 300)
        let hostile = "\u{1b}]0;owned\u{7}\u{1b}[2J" + String(repeating: "\u{0}", count: 20) + "\u{202e}漢字"
        let raw = RawSpan(traceID: TraceID(high: 9, low: 9), spanID: SpanID(9), name: hostile, startNanos: 1, endNanos: 2,
                          attributes: [Attribute(longKey, .string(hostile)), Attribute(hostile, .int(-1)),
                                       Attribute(longKey, .bytes([0, 255, 27]))],
                          events: [SpanEvent(timeNanos: 3, name: longKey, attributes: [Attribute(longKey, .empty)])],
                          origin: origin)
        for _ in 0..<2 { Self.expectSame(packer.pack(raw).unpacked(), raw) }
    }

    /// Text with multi-byte characters, control characters and lengths around the inline/shared bound.
    static func text(_ random: inout SeededRandom) -> String {
        let pieces = ["a", "gen_ai.", "é", "漢字", "🙂", "\u{1b}[31m", "\0", "x", "chat gpt-4o", "  "]
        return (0..<Int(random.next() % 24)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
    }

    static func value(_ random: inout SeededRandom, depth: Int) -> AttributeValue {
        switch random.next() % (depth > 0 ? 9 : 7) {
        case 0: .string(text(&random))
        case 1: .bool(random.next() % 2 == 0)
        case 2: .int(Int64(bitPattern: random.next()) >> Int64(random.next() % 64))
        case 3: .double(Double(Int64(bitPattern: random.next()) % 1_000_000) / 7)
        case 4: .bytes((0..<Int(random.next() % 40)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        case 5: .empty
        case 6: .int(-Int64(random.next() % 1_000))
        case 7: .array((0..<Int(random.next() % 4)).map { _ in value(&random, depth: depth - 1) })
        default: .map(attributes(&random, depth: depth - 1))
        }
    }

    static func attributes(_ random: inout SeededRandom, depth: Int) -> [Attribute] {
        (0..<Int(random.next() % 8)).map { _ in Attribute(text(&random), value(&random, depth: depth)) }
    }
}
