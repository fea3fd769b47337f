import Foundation
import Ingest
import Semantics
import Testing
import Telemetry
import PackedSpans

/// A long value a normalized role keeps (a response id, a model, tool arguments) is kept once: the
/// packed span holds it as a string and the role shares that string's storage, whether the span was
/// packed from a decoded `RawSpan` or straight from the wire. Other long values stay inline bytes.
@Suite struct PackedRoleSharingTests {
    static let responseID = "chatcmpl-\(UInt64.random(in: 1...UInt64.max))-unique"
    static let note = "a note of more than sixteen bytes, \(UInt64.random(in: 1...UInt64.max))"

    static func storage(_ string: String) -> UnsafePointer<UInt8>? {
        string.utf8.withContiguousStorageIfAvailable { $0.baseAddress } ?? nil
    }

    static func expectShared(_ packed: PackedSpan, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let call = try #require(Normalizer.read(packed).role.llm, sourceLocation: sourceLocation)
        #expect(call.responseID == responseID, sourceLocation: sourceLocation)
        let unpacked = packed.unpacked().attributes
        let kept = try #require(unpacked["gen_ai.response.id"]?.stringValue, sourceLocation: sourceLocation)
        #expect(storage(kept) != nil && storage(kept) == storage(call.responseID), "one copy of the response id",
                sourceLocation: sourceLocation)
        // Text unpacked from inline bytes is a new string each time; a kept one is the same storage.
        let noteOnce = unpacked["app.note"]?.stringValue, noteAgain = packed.unpacked().attributes["app.note"]?.stringValue
        #expect(noteOnce == note && storage(noteOnce!) != storage(noteAgain!), "the note is packed inline",
                sourceLocation: sourceLocation)
    }

    @Test func fromTheWire() throws {
        var span = Build.span(name: "chat gpt-4o")
        span.attributes = [Build.keyValue("gen_ai.operation.name", .stringValue("chat")),
                           Build.keyValue("gen_ai.response.id", .stringValue(Self.responseID)),
                           Build.keyValue("app.note", .stringValue(Self.note))]
        var scanner = OTLPTraceScanner()
        var packer = SpanPacker()
        let batch = try Array(try Build.traceRequest([span]).serializedData()).withUnsafeBytes { bytes in
            try scanner.decode(bytes, packing: &packer)
        }
        try Self.expectShared(try #require(batch.packedSpans.first))
    }

    @Test func fromADecodedSpan() throws {
        let raw = RawSpan(traceID: TraceID(high: 1, low: 2), spanID: SpanID(3), name: "chat gpt-4o", startNanos: 1,
                          endNanos: 2,
                          attributes: [Attribute("gen_ai.operation.name", .string("chat")),
                                       Attribute("gen_ai.response.id", .string(Self.responseID)),
                                       Attribute("app.note", .string(Self.note))],
                          origin: Origin(resource: []))
        var packer = SpanPacker()
        try Self.expectShared(packer.pack(raw))
    }
}
