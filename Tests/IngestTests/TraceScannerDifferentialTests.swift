import Foundation
import Ingest
import OTLPWire
import Semantics
import SwiftProtobuf
import Testing
import Synthetic

private typealias WireRequest = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest
private typealias WireResourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans
private typealias WireScopeSpans = Opentelemetry_Proto_Trace_V1_ScopeSpans
private typealias WireEvent = Opentelemetry_Proto_Trace_V1_Span.Event
private typealias WireLink = Opentelemetry_Proto_Trace_V1_Span.Link
private typealias WireAnyValueMessage = Opentelemetry_Proto_Common_V1_AnyValue

/// The scanner against swift-protobuf plus conversion: same batch for every accepted input, refusal
/// for every refused one. Seeded, so a failure names the case that reproduces it.
@Suite struct TraceScannerDifferentialTests {
    private func expectAgreement(_ body: Data, maxValueDepth: Int = ValueDepthLimit.default, _ label: String) {
        var scanner = OTLPTraceScanner(maxValueDepth: maxValueDepth)
        if let problem = TraceDecoderComparison.disagreement(body, maxValueDepth: maxValueDepth, scanner: &scanner) {
            Issue.record("\(label) (\(body.count) bytes: \(body.prefix(64).map { String($0, radix: 16) }.joined(separator: " "))…): \(problem)")
        }
    }

    private static func traceBodies() throws -> [(String, Data)] {
        var bodies: [(String, Data)] = []
        for scenario in Fixtures.scenarios {
            for file in Fixtures.otlpFiles(scenario) where file.lastPathComponent.contains("traces") {
                let data = try Data(contentsOf: file)
                let name = "\(scenario)/\(file.lastPathComponent)"
                if file.pathExtension == "json" {
                    bodies.append((name, try OTLPDecoder.protobufBody(fromJSON: data, signal: .traces)))
                } else if file.pathExtension == "gz" {
                    bodies.append((name, try OTLPDecoder.gunzip(data)))
                } else {
                    bodies.append((name, data))
                }
            }
        }
        let lines = try String(contentsOf: Fixtures.file("filefeed", "otlp.jsonl"), encoding: .utf8).split(separator: "\n")
        for (index, line) in lines.enumerated() where line.contains("resourceSpans") {
            bodies.append(("filefeed line \(index + 1)", try OTLPDecoder.protobufBody(fromJSON: Data(line.utf8), signal: .traces)))
        }
        return bodies
    }

    @Test func everyTraceFixtureDecodesTheSame() throws {
        let bodies = try Self.traceBodies()
        #expect(bodies.count >= 20)
        for (name, body) in bodies {
            expectAgreement(body, name)
            let batch = try OTLPDecoder.referenceTraceBatch(protobuf: body)
            var scanner = OTLPTraceScanner()
            let scanned = try scanner.decode([UInt8](body))
            #expect(scanned.spans.count == batch.spans.count, "\(name)")
        }
    }

    @Test func randomRequestsDecodeTheSame() throws {
        var random = SeededRandom(seed: 0x5EED_0001)
        for index in 0..<1500 {
            let depth = index % 5 == 0 ? Int.random(in: 1...4, using: &random) : ValueDepthLimit.default
            let body = try RandomTraces.body(&random)
            expectAgreement(body, maxValueDepth: depth, "random request \(index), max depth \(depth)")
        }
    }

    @Test func mutatedEncodingsAreRefusedOrDecodedTheSame() throws {
        var random = SeededRandom(seed: 0x5EED_0002)
        var bodies = try Self.traceBodies().map(\.1).filter { $0.count < 20_000 }
        for _ in 0..<40 { bodies.append(try RandomTraces.body(&random)) }
        var cases = 0
        for (index, body) in bodies.enumerated() {
            for mutation in 0..<60 {
                let mutated = RandomTraces.mutate(body, &random)
                expectAgreement(mutated, maxValueDepth: mutation % 4 == 0 ? 3 : ValueDepthLimit.default,
                                "body \(index), mutation \(mutation)")
                cases += 1
            }
        }
        #expect(cases > 2_000)
    }

    /// Protobuf merges repeated singular fields; these are hand-written because swift-protobuf never
    /// writes them so.
    @Test func mergedAndReorderedFieldsDecodeTheSame() throws {
        let traceID = Wire.bytes(1, Array(1...16)), spanID = Wire.bytes(2, Array(1...8))
        let arrayA = Wire.message(5, Wire.message(1, Wire.bytes(1, Array("a".utf8))))
        let arrayB = Wire.message(5, Wire.message(1, Wire.varint(3, 7)))
        let mergedValue = Wire.message(9, Wire.bytes(1, Array("k".utf8)) + Wire.message(2, arrayA + arrayB))
        let replacedValue = Wire.message(9, Wire.bytes(1, Array("k2".utf8)) + Wire.message(2, arrayA) + Wire.message(2, Wire.varint(2, 1)))
        let kvlist = Wire.message(6, Wire.message(1, Wire.bytes(1, Array("inner".utf8))))
        let mapMerge = Wire.message(9, Wire.bytes(1, Array("m".utf8)) + Wire.message(2, kvlist + kvlist + arrayA + kvlist))
        let status = Wire.message(15, Wire.bytes(2, Array("first".utf8)) + Wire.varint(3, 2)) + Wire.message(15, Wire.varint(3, 1))
        let span = traceID + spanID + Wire.bytes(5, Array("first name".utf8)) + Wire.bytes(5, Array("second".utf8))
            + mergedValue + replacedValue + mapMerge + status + Wire.varint(6, (1 << 32) + 3)
            + Wire.bytes(1, Array(17...32))
        let scope = Wire.message(1, Wire.bytes(1, Array("scope-a".utf8)) + Wire.bytes(2, Array("1.0".utf8)))
            + Wire.message(1, Wire.bytes(1, Array("scope-b".utf8)))
        // Spans before their scope, scope groups before their resource.
        let scopeSpans = Wire.message(2, span) + scope + Wire.bytes(3, Array("https://scope/schema".utf8))
        let resource = Wire.message(1, Wire.message(1, Wire.bytes(1, Array("service.name".utf8))
            + Wire.message(2, Wire.bytes(1, Array("svc".utf8)))))
        let resourceSpans = Wire.message(2, scopeSpans) + resource + resource + Wire.bytes(3, Array("https://resource".utf8))
        let body = Data(Wire.message(1, resourceSpans) + Wire.message(1, Wire.message(2, scopeSpans)))
        expectAgreement(body, "merged fields")
        var scanner = OTLPTraceScanner()
        let batch = try scanner.decode([UInt8](body))
        #expect(batch.spans.count == 2)
        #expect(batch.spans.first?.name == "second")
        #expect(batch.spans.first?.attributes["k"] == .array([.string("a"), .int(7)]))
        #expect(batch.spans.first?.attributes["k2"] == .bool(true))
        #expect(batch.spans.first?.kind == .client)
        #expect(batch.spans.first?.origin.scopeName == "scope-b")
        #expect(batch.spans.first?.origin.resource.count == 2)
        #expect(batch.spans.first?.statusCode == .ok && batch.spans.first?.statusMessage == "first")
    }

    @Test func unknownFieldsOfEveryWireTypeAreSkipped() throws {
        let unknown = Wire.varint(100, 300) + Wire.fixed64(101) + Wire.bytes(102, [1, 2, 3]) + Wire.fixed32(103)
            + Wire.group(104, Wire.varint(1, 1) + Wire.group(2, Wire.bytes(3, [0xFF])))
        let span = Wire.bytes(1, Array(1...16)) + Wire.bytes(2, Array(1...8)) + unknown + Wire.bytes(5, Array("n".utf8))
            + Wire.varint(1, 5) + Wire.fixed32(5)  // known fields with another wire type are unknown fields too
        let body = Data(Wire.message(1, Wire.message(2, Wire.message(2, span) + unknown) + unknown) + unknown)
        expectAgreement(body, "unknown fields")
        var scanner = OTLPTraceScanner()
        #expect(try scanner.decode([UInt8](body)).spans.first?.name == "n")
        let cuts: [[UInt8]] = [Array(Wire.group(104, Wire.varint(1, 1)).dropLast()), Wire.group(104, []) + [0x0C], [0x07, 0x00], [0x00, 0x01]]
        for cut in cuts {
            let broken = Data(Wire.message(1, Wire.message(2, Wire.message(2, span))) + cut)
            expectAgreement(broken, "broken unknown field")
            #expect(throws: DecodeError.self) { try scanner.decode([UInt8](broken)) }
        }
    }

    @Test func invalidUTF8IsRefusedInEveryStringField() throws {
        let bad: [UInt8] = [0x61, 0xED, 0xA0, 0x80]  // an encoded surrogate
        let ids = Wire.bytes(1, Array(1...16)) + Wire.bytes(2, Array(1...8))
        let spans = [
            ids + Wire.bytes(3, bad),
            ids + Wire.bytes(5, bad),
            ids + Wire.message(9, Wire.bytes(1, bad)),
            ids + Wire.message(11, Wire.bytes(2, bad)),
            ids + Wire.message(13, Wire.bytes(3, bad)),
            ids + Wire.message(15, Wire.bytes(2, bad)),
        ]
        for (index, span) in spans.enumerated() {
            let body = Data(Wire.message(1, Wire.message(2, Wire.message(2, span))))
            expectAgreement(body, "bad UTF-8 \(index)")
            var scanner = OTLPTraceScanner()
            #expect(throws: DecodeError.self) { try scanner.decode([UInt8](body)) }
        }
        let entityRef = Data(Wire.message(1, Wire.message(1, Wire.message(3, Wire.bytes(3, bad)))))
        expectAgreement(entityRef, "bad UTF-8 in an entity ref")
    }

    @Test func internedStringsShareStorageAcrossRequests() throws {
        let request = try RandomTraces.fixedRequest()
        var scanner = OTLPTraceScanner()
        let first = try scanner.decode(request)
        let second = try scanner.decode(request)
        let key = try #require(first.spans.first?.attributes.first { $0.key.utf8.count >= 16 }?.key)
        let again = try #require(second.spans.first?.attributes.first { $0.key == key }?.key)
        let sameStorage = key.utf8.withContiguousStorageIfAvailable { a in
            again.utf8.withContiguousStorageIfAvailable { b in a.baseAddress == b.baseAddress }
        }
        #expect(sameStorage == true)
    }
}

/// Hand-written protobuf fields.
enum Wire {
    static func varintBytes(_ value: UInt64) -> [UInt8] {
        var rest = value, out: [UInt8] = []
        while rest >= 0x80 {
            out.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
        return out
    }

    static func tag(_ field: Int, _ wire: UInt8) -> [UInt8] { varintBytes(UInt64(field) << 3 | UInt64(wire)) }
    static func varint(_ field: Int, _ value: UInt64) -> [UInt8] { tag(field, 0) + varintBytes(value) }
    static func fixed64(_ field: Int) -> [UInt8] { tag(field, 1) + [1, 2, 3, 4, 5, 6, 7, 8] }
    static func fixed32(_ field: Int) -> [UInt8] { tag(field, 5) + [1, 2, 3, 4] }
    static func bytes(_ field: Int, _ body: [UInt8]) -> [UInt8] { tag(field, 2) + varintBytes(UInt64(body.count)) + body }
    static func message(_ field: Int, _ body: [UInt8]) -> [UInt8] { bytes(field, body) }
    static func group(_ field: Int, _ body: [UInt8]) -> [UInt8] { tag(field, 3) + body + tag(field, 4) }
}

/// Random but valid trace requests, built with swift-protobuf, and mutations of encodings.
enum RandomTraces {
    private static let texts = ["", "a", "gen_ai.system", "gen_ai.usage.input_tokens", "gen_ai.request.model",
                                "ünïcødé ✓ 🚀 — long enough to be interned", "service.name", "chat gpt-4o-mini-2024-07-18",
                                String(repeating: "x", count: 120), "\u{0}\u{1B}[2J", "日本語のテキストです、十六バイト以上"]

    static func text(_ random: inout SeededRandom) -> String {
        Bool.random(using: &random) ? texts.randomElement(using: &random)!
            : String((0..<Int.random(in: 0...40, using: &random)).map { _ in
                Character(Unicode.Scalar(UInt32.random(in: 0x20...0x7E, using: &random))!) })
    }

    private static func id(_ random: inout SeededRandom, length: Int) -> Data {
        switch Int.random(in: 0..<10, using: &random) {
        case 0: Data()
        case 1: Data(count: length)
        case 2: Data((0..<(length + [-1, 1].randomElement(using: &random)!)).map { _ in UInt8.random(in: 0...255, using: &random) })
        default: Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &random) })
        }
    }

    private static func value(_ random: inout SeededRandom, depth: Int) -> WireAnyValueMessage {
        var value = WireAnyValueMessage()
        switch Int.random(in: 0..<(depth > 0 ? 10 : 7), using: &random) {
        case 0: value.stringValue = text(&random)
        case 1: value.boolValue = Bool.random(using: &random)
        case 2: value.intValue = Int64.random(in: .min ... .max, using: &random)
        case 3: value.doubleValue = [0.5, -0.0, .nan, .infinity, Double(bitPattern: random.next())].randomElement(using: &random)!
        case 4: value.bytesValue = Data((0..<Int.random(in: 0...20, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
        case 5: value.stringValueStrindex = Int32.random(in: -5...5, using: &random)
        case 6: break
        case 7, 8:
            var array = Opentelemetry_Proto_Common_V1_ArrayValue()
            array.values = (0..<Int.random(in: 0...3, using: &random)).map { _ in self.value(&random, depth: depth - 1) }
            value.arrayValue = array
        default:
            var list = Opentelemetry_Proto_Common_V1_KeyValueList()
            list.values = attributes(&random, depth: depth - 1, count: Int.random(in: 0...3, using: &random))
            value.kvlistValue = list
        }
        return value
    }

    private static func attributes(_ random: inout SeededRandom, depth: Int, count: Int) -> [WireKeyValue] {
        (0..<count).map { _ in
            var attribute = WireKeyValue()
            attribute.key = text(&random)
            if Int.random(in: 0..<8, using: &random) != 0 { attribute.value = value(&random, depth: depth) }
            return attribute
        }
    }

    /// Re-parses a message with unknown fields of every wire type appended, which swift-protobuf keeps.
    private static func withUnknownFields<M: SwiftProtobuf.Message>(_ message: M, _ random: inout SeededRandom) -> M {
        guard Int.random(in: 0..<6, using: &random) == 0, var bytes = try? message.serializedBytes() as [UInt8] else { return message }
        bytes += [Wire.varint(90, random.next()), Wire.fixed64(91), Wire.bytes(92, [7, 7]), Wire.fixed32(93),
                  Wire.group(94, Wire.varint(1, 2))].randomElement(using: &random)!
        return (try? M(serializedBytes: bytes)) ?? message
    }

    private static func span(_ random: inout SeededRandom) -> WireSpan {
        var span = WireSpan()
        span.traceID = id(&random, length: 16)
        span.spanID = id(&random, length: 8)
        if Bool.random(using: &random) { span.parentSpanID = id(&random, length: 8) }
        span.name = text(&random)
        if Bool.random(using: &random) { span.traceState = text(&random) }
        span.kind = .init(rawValue: Int.random(in: -1...7, using: &random))!
        span.startTimeUnixNano = random.next()
        span.endTimeUnixNano = random.next()
        span.attributes = attributes(&random, depth: 5, count: Int.random(in: 0...8, using: &random)).map { withUnknownFields($0, &random) }
        span.events = (0..<Int.random(in: 0...3, using: &random)).map { _ in
            var event = WireEvent()
            event.timeUnixNano = random.next()
            event.name = text(&random)
            event.attributes = attributes(&random, depth: 3, count: Int.random(in: 0...3, using: &random))
            return withUnknownFields(event, &random)
        }
        span.links = (0..<Int.random(in: 0...2, using: &random)).map { _ in
            var link = WireLink()
            link.traceID = id(&random, length: 16)
            link.spanID = id(&random, length: 8)
            link.attributes = attributes(&random, depth: 2, count: Int.random(in: 0...2, using: &random))
            return link
        }
        if Bool.random(using: &random) {
            span.status.code = .init(rawValue: Int.random(in: -1...4, using: &random))!
            span.status.message = text(&random)
        }
        span.droppedAttributesCount = UInt32.random(in: 0...3, using: &random)
        span.flags = UInt32.random(in: 0...0x300, using: &random)
        return withUnknownFields(span, &random)
    }

    static func body(_ random: inout SeededRandom) throws -> Data {
        var request = WireRequest()
        request.resourceSpans = (0..<Int.random(in: 0...3, using: &random)).map { _ in
            var resourceSpans = WireResourceSpans()
            if Bool.random(using: &random) {
                resourceSpans.resource.attributes = attributes(&random, depth: 2, count: Int.random(in: 0...4, using: &random))
                if Bool.random(using: &random) {
                    var service = WireKeyValue()
                    service.key = "service.name"
                    service.value.stringValue = text(&random)
                    resourceSpans.resource.attributes.append(service)
                }
            }
            if Bool.random(using: &random) { resourceSpans.schemaURL = text(&random) }
            resourceSpans.scopeSpans = (0..<Int.random(in: 0...3, using: &random)).map { _ in
                var scopeSpans = WireScopeSpans()
                if Bool.random(using: &random) {
                    scopeSpans.scope.name = text(&random)
                    scopeSpans.scope.version = text(&random)
                    scopeSpans.scope.attributes = attributes(&random, depth: 2, count: Int.random(in: 0...2, using: &random))
                }
                if Bool.random(using: &random) { scopeSpans.schemaURL = text(&random) }
                scopeSpans.spans = (0..<Int.random(in: 0...5, using: &random)).map { _ in span(&random) }
                return withUnknownFields(scopeSpans, &random)
            }
            return resourceSpans
        }
        return try withUnknownFields(request, &random).serializedData()
    }

    static func fixedRequest() throws -> [UInt8] {
        var random = SeededRandom(seed: 7)
        var span = span(&random)
        span.traceID = Data(1...16)
        span.spanID = Data(1...8)
        span.parentSpanID = Data()
        var attribute = WireKeyValue()
        attribute.key = "gen_ai.usage.input_tokens"
        attribute.value.intValue = 12
        span.attributes = [attribute]
        var request = WireRequest()
        request.resourceSpans = [WireResourceSpans()]
        request.resourceSpans[0].scopeSpans = [WireScopeSpans()]
        request.resourceSpans[0].scopeSpans[0].spans = [span]
        return try request.serializedBytes()
    }

    /// Byte flips, truncation, insertion and removal: mostly broken encodings, some still valid.
    static func mutate(_ body: Data, _ random: inout SeededRandom) -> Data {
        var bytes = [UInt8](body)
        guard !bytes.isEmpty else { return Data([UInt8.random(in: 0...255, using: &random)]) }
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            guard !bytes.isEmpty else { break }
            let at = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
            case 1: bytes[at] ^= 1 << UInt8.random(in: 0...7, using: &random)
            case 2: bytes.removeSubrange(at...)
            case 3: bytes.insert(contentsOf: (0..<Int.random(in: 1...4, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }, at: at)
            default: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...8, using: &random)))
            }
        }
        return Data(bytes)
    }
}
