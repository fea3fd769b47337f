import Synchronization
import Telemetry
import PackedSpans

/// Decodes the protobuf bytes of an `ExportTraceServiceRequest` straight into a `TelemetryBatch`,
/// without swift-protobuf's message tree. It accepts and refuses exactly what swift-protobuf (with the
/// message depth limit `ValueDepthLimit` derives) followed by `TelemetryBatch(_: ExportTraceRequest)`
/// does, and yields the same batch; a differential test and a fuzz target hold it to that.
///
/// Strings repeated across spans (attribute keys, names, short values) are interned per scanner, so
/// keep one scanner per thread of work (see `OTLPTraceScannerPool`).
public struct OTLPTraceScanner: Sendable {
    public let maxValueDepth: Int
    private let messageDepthLimit: Int
    private var interner = StringInterner()

    public init(maxValueDepth: Int = ValueDepthLimit.default) {
        self.maxValueDepth = maxValueDepth
        self.messageDepthLimit = ValueDepthLimit.messageDepthLimit(for: .traces, maxValueDepth: maxValueDepth)
    }

    /// - Parameter packing: write the spans straight into their stored form (`packedSpans`) instead
    ///   of `RawSpan`s, with the packer given (keep one per thread of work, see `SpanPackerPool`).
    public mutating func decode(_ bytes: UnsafeRawBufferPointer, packing: inout SpanPacker) throws(DecodeError) -> TelemetryBatch {
        var packer: SpanPacker? = packing
        packing = packing.standIn()  // so that the scan holds the only reference to its caches
        defer { packing = packer! }
        return try decode(bytes, packer: &packer)
    }

    public mutating func decode(_ bytes: UnsafeRawBufferPointer) throws(DecodeError) -> TelemetryBatch {
        var packer: SpanPacker?
        return try decode(bytes, packer: &packer)
    }

    private mutating func decode(_ bytes: UnsafeRawBufferPointer, packer: inout SpanPacker?) throws(DecodeError) -> TelemetryBatch {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return TelemetryBatch() }
        var scan = TraceRequestScan(base: base, messageDepthLimit: messageDepthLimit, maxValueDepth: maxValueDepth,
                                    interner: interner, packer: packer)
        interner = StringInterner()
        packer = nil
        defer {
            interner = scan.interner
            packer = scan.packer
        }
        do throws(WireError) {
            try scan.request(0..<bytes.count)
        } catch .tooDeep {
            throw .malformed("invalid protobuf ExportTraceServiceRequest: \(OTLPDecoder.nestingRefusal(maxValueDepth: maxValueDepth))")
        } catch {
            throw .malformed("invalid protobuf ExportTraceServiceRequest: \(error.description)")
        }
        var batch = TelemetryBatch(spans: scan.spans, rejectedSpans: scan.rejections.count,
                                   rejectionReason: scan.rejections.firstReason)
        batch.packedSpans = scan.packedSpans
        batch.spanExtents = scan.extents
        return batch
    }

    public mutating func decode(_ bytes: [UInt8]) throws(DecodeError) -> TelemetryBatch {
        let result = bytes.withUnsafeBytes { buffer in Result { () throws(DecodeError) in try decode(buffer) } }
        return try result.get()
    }
}

/// One request's decoding: field numbers are those of opentelemetry/proto/trace/v1/trace.proto and
/// common.proto. Repeated singular fields merge as protobuf prescribes (last scalar wins, messages merge).
private struct TraceRequestScan {
    let base: UnsafeRawPointer
    let messageDepthLimit: Int
    let maxValueDepth: Int
    var interner: StringInterner
    /// Set when packing (see `OTLPTraceScanner.decode(_:packing:)`).
    var packer: SpanPacker?
    var spans: [RawSpan] = []
    var packedSpans: [PackedSpan] = []
    var rejections = Rejections()
    /// Measured for the ingest limits (see `SpanExtents`).
    var extents = SpanExtents()

    private func reader(_ range: Range<Int>) -> WireReader { WireReader(base: base, range: range) }

    /// Entering a nested message at `level` (the request is level 1).
    @inline(__always)
    private func enter(_ level: Int) throws(WireError) {
        guard level <= messageDepthLimit else { throw .tooDeep }
    }

    @inline(__always)
    private func skip(_ reader: inout WireReader, _ field: Int, _ wire: UInt8, level: Int) throws(WireError) {
        try reader.skip(field: field, wire: wire, level: level, depthLimit: messageDepthLimit)
    }

    mutating func request(_ range: Range<Int>) throws(WireError) {
        var fields = reader(range)
        var index = 0
        while !fields.isAtEnd {
            let (field, wire) = try fields.tag()
            if field == 1 && wire == WireType.lengthDelimited {
                let body = try fields.lengthDelimited()
                try enter(2)
                try resourceSpans(body, index: index, level: 2)
                index += 1
            } else {
                try skip(&fields, field, wire, level: 1)
            }
        }
    }

    // The resource and the schema URL may follow the scope groups, so a first pass reads them.
    private mutating func resourceSpans(_ range: Range<Int>, index r: Int, level: Int) throws(WireError) {
        var resource: [Attribute] = []
        var schemaURL = ""
        var fields = reader(range)
        while !fields.isAtEnd {
            let (field, wire) = try fields.tag()
            switch (field, wire) {
            case (1, WireType.lengthDelimited):
                let body = try fields.lengthDelimited()
                try enter(level + 1)
                try self.resource(body, into: &resource, level: level + 1)
            case (3, WireType.lengthDelimited):
                schemaURL = try interner.string(fields, try fields.lengthDelimited())
            default:
                try skip(&fields, field, wire, level: level)
            }
        }
        fields = reader(range)
        var s = 0
        while !fields.isAtEnd {
            let (field, wire) = try fields.tag()
            if field == 2 && wire == WireType.lengthDelimited {
                let body = try fields.lengthDelimited()
                try enter(level + 1)
                try scopeSpans(body, resource: resource, resourceSchemaURL: schemaURL, r: r, s: s, level: level + 1)
                s += 1
            } else {
                try skip(&fields, field, wire, level: level)
            }
        }
    }

    private mutating func resource(_ range: Range<Int>, into attributes: inout [Attribute], level: Int) throws(WireError) {
        var fields = reader(range)
        while !fields.isAtEnd {
            let (field, wire) = try fields.tag()
            switch (field, wire) {
            case (1, WireType.lengthDelimited):
                attributes.append(try attribute(try fields.lengthDelimited(), level: level + 1))
            case (3, WireType.lengthDelimited):
                let body = try fields.lengthDelimited()
                try enter(level + 1)
                try entityRef(body, level: level + 1)
            default:
                try skip(&fields, field, wire, level: level)
            }
        }
    }

    /// `EntityRef`: four string fields, checked and dropped.
    private func entityRef(_ range: Range<Int>, level: Int) throws(WireError) {
        var fields = reader(range)
        while !fields.isAtEnd {
            let (field, wire) = try fields.tag()
            if (1...4).contains(field) && wire == WireType.lengthDelimited {
                try fields.validateUTF8(try fields.lengthDelimited())
            } else {
                try skip(&fields, field, wire, level: level)
            }
        }
    }

    private mutating func scopeSpans(_ range: Range<Int>, resource: [Attribute], resourceSchemaURL: String,
                                     r: Int, s: Int, level: Int) throws(WireError) {
        var scopeName = "", scopeVersion = "", schemaURL = ""
        var fields = reader(range)
        while !fields.isAtEnd {
            let (field, wire) = try fields.tag()
            switch (field, wire) {
            case (1, WireType.lengthDelimited):
                let body = try fields.lengthDelimited()
                try enter(level + 1)
                try scope(body, name: &scopeName, version: &scopeVersion, level: level + 1)
            case (3, WireType.lengthDelimited):
                schemaURL = try interner.string(fields, try fields.lengthDelimited())
            default:
                try skip(&fields, field, wire, level: level)
            }
        }
        let origin = Origin(resource: resource, scopeName: scopeName, scopeVersion: scopeVersion,
                            schemaURL: schemaURL.isEmpty ? resourceSchemaURL : schemaURL)
        fields = reader(range)
        var i = 0
        while !fields.isAtEnd {
            let (field, wire) = try fields.tag()
            if field == 2 && wire == WireType.lengthDelimited {
                let body = try fields.lengthDelimited()
                try enter(level + 1)
                let result: Result<Void, InvalidRecord>
                if packer != nil {
                    result = try packedSpan(body, origin: origin, level: level + 1).map { packedSpans.append($0) }
                } else {
                    result = try span(body, origin: origin, level: level + 1).map { spans.append($0) }
                }
                switch result {
                case .success: break
                case .failure(let invalid):
                    rejections.record(invalid.reason, at: "resourceSpans[\(r)].scopeSpans[\(s)].spans[\(i)]")
                }
                i += 1
            } else {
                try skip(&fields, field, wire, level: level)
            }
        }
    }

    private mutating func scope(_ range: Range<Int>, name: inout String, version: inout String, level: Int) throws(WireError) {
        var fields = reader(range)
        while !fields.isAtEnd {
            let (field, wire) = try fields.tag()
            switch (field, wire) {
            case (1, WireType.lengthDelimited): name = try interner.string(fields, try fields.lengthDelimited())
            case (2, WireType.lengthDelimited): version = try interner.string(fields, try fields.lengthDelimited())
            case (3, WireType.lengthDelimited): _ = try attribute(try fields.lengthDelimited(), level: level + 1)
            default: try skip(&fields, field, wire, level: level)
            }
        }
    }

    /// A span, or the reason it is dropped (`InvalidRecord`); malformed bytes anywhere fail the request.
    private mutating func span(_ range: Range<Int>, origin: Origin, level: Int) throws(WireError) -> Result<RawSpan, InvalidRecord> {
        // Counted first so the lists are allocated once, at their final size.
        var attributeCount = 0, eventCount = 0, linkCount = 0
        var fields = reader(range)
        while !fields.isAtEnd {
            let (field, wire) = try fields.tag()
            if wire == WireType.lengthDelimited {
                switch field {
                case 9: attributeCount += 1
                case 11: eventCount += 1
                case 13: linkCount += 1
                default: break
                }
            }
            try skip(&fields, field, wire, level: level)
        }

        extents.note(spanBytes: range.count)
        extents.note(list: max(attributeCount, eventCount, linkCount))
        var traceID: Range<Int>?, spanID: Range<Int>?, parentSpanID: Range<Int>?
        var name = ""
        var kind: Int32 = 0, statusCode: Int32 = 0
        var statusMessage = ""
        var start: UInt64 = 0, end: UInt64 = 0
        var attributes: [Attribute] = [], events: [SpanEvent] = [], links: [SpanLink] = []
        attributes.reserveCapacity(attributeCount)
        events.reserveCapacity(eventCount)
        links.reserveCapacity(linkCount)
        fields = reader(range)
        while !fields.isAtEnd {
            let (field, wire) = try fields.tag()
            switch (field, wire) {
            case (1, WireType.lengthDelimited): traceID = try fields.lengthDelimited()
            case (2, WireType.lengthDelimited): spanID = try fields.lengthDelimited()
            case (3, WireType.lengthDelimited): try fields.validateUTF8(try fields.lengthDelimited())
            case (4, WireType.lengthDelimited): parentSpanID = try fields.lengthDelimited()
            case (5, WireType.lengthDelimited): name = try interner.string(fields, try fields.lengthDelimited())
            case (6, WireType.varint): kind = Int32(truncatingIfNeeded: try fields.varint())
            case (7, WireType.fixed64): start = try fields.fixed64()
            case (8, WireType.fixed64): end = try fields.fixed64()
            case (9, WireType.lengthDelimited):
                attributes.append(try attribute(try fields.lengthDelimited(), level: level + 1))
            case (11, WireType.lengthDelimited):
                let body = try fields.lengthDelimited()
                try enter(level + 1)
                events.append(try event(body, level: level + 1))
            case (13, WireType.lengthDelimited):
                let body = try fields.lengthDelimited()
                try enter(level + 1)
                if let link = try link(body, level: level + 1) { links.append(link) }
            case (15, WireType.lengthDelimited):
                let body = try fields.lengthDelimited()
                try enter(level + 1)
                try status(body, code: &statusCode, message: &statusMessage, level: level + 1)
            default:
                try skip(&fields, field, wire, level: level)
            }
        }
        do throws(InvalidRecord) {
            return .success(RawSpan(
                traceID: try requiredTraceID(traceID, field: "traceId"),
                spanID: try requiredSpanID(spanID, field: "spanId"),
                parentSpanID: try optionalSpanID(parentSpanID, field: "parentSpanId"),
                name: name,
                kind: SpanKind(rawValue: Int(kind)) ?? .unspecified,
                startNanos: start,
                endNanos: end,
                attributes: attributes,
                events: events,
                links: links,
                statusCode: StatusCode(rawValue: Int(statusCode)) ?? .unset,
                statusMessage: statusMessage,
                origin: origin
            ))
        } catch {
            return .failure(error)
        }
    }

    private mutating func event(_ range: Range<Int>, level: Int) throws(WireError) -> SpanEvent {
        var time: UInt64 = 0
        var name = ""
        var attributes: [Attribute] = []
        var fields = reader(range)
        while !fields.isAtEnd {
            let (field, wire) = try fields.tag()
            switch (field, wire) {
            case (1, WireType.fixed64): time = try fields.fixed64()
            case (2, WireType.lengthDelimited): name = try interner.string(fields, try fields.lengthDelimited())
            case (3, WireType.lengthDelimited):
                attributes.append(try attribute(try fields.lengthDelimited(), level: level + 1))
            default: try skip(&fields, field, wire, level: level)
            }
        }
        extents.note(list: attributes.count)
        return SpanEvent(timeNanos: time, name: name, attributes: attributes)
    }

    /// A link that points nowhere carries no information and is dropped; the span itself stays valid.
    private mutating func link(_ range: Range<Int>, level: Int) throws(WireError) -> SpanLink? {
        var traceID: Range<Int>?, spanID: Range<Int>?
        var attributes: [Attribute] = []
        var fields = reader(range)
        while !fields.isAtEnd {
            let (field, wire) = try fields.tag()
            switch (field, wire) {
            case (1, WireType.lengthDelimited): traceID = try fields.lengthDelimited()
            case (2, WireType.lengthDelimited): spanID = try fields.lengthDelimited()
            case (3, WireType.lengthDelimited): try fields.validateUTF8(try fields.lengthDelimited())
            case (4, WireType.lengthDelimited):
                attributes.append(try attribute(try fields.lengthDelimited(), level: level + 1))
            default: try skip(&fields, field, wire, level: level)
            }
        }
        extents.note(list: attributes.count)
        guard let trace = try? requiredTraceID(traceID, field: "traceId"),
              let span = try? requiredSpanID(spanID, field: "spanId") else { return nil }
        return SpanLink(traceID: trace, spanID: span, attributes: attributes)
    }

    private func status(_ range: Range<Int>, code: inout Int32, message: inout String, level: Int) throws(WireError) {
        var fields = reader(range)
        while !fields.isAtEnd {
            let (field, wire) = try fields.tag()
            switch (field, wire) {
            case (2, WireType.lengthDelimited): message = try fields.string(try fields.lengthDelimited())
            case (3, WireType.varint): code = Int32(truncatingIfNeeded: try fields.varint())
            default: try skip(&fields, field, wire, level: level)
            }
        }
    }

    // MARK: Packing (the same span, written straight into its stored form)

    /// The span packed from the wire, or the reason it is dropped. Reads the span's fields once for
    /// the scalars and then once per list, because the packed form puts each list in one place.
    private mutating func packedSpan(_ range: Range<Int>, origin: Origin, level: Int) throws(WireError) -> Result<PackedSpan, InvalidRecord> {
        var attributeCount = 0, eventCount = 0, linkCount = 0
        var traceID: Range<Int>?, spanID: Range<Int>?, parentSpanID: Range<Int>?
        var name: Range<Int>?
        var kind: Int32 = 0, statusCode: Int32 = 0
        var statusMessage = ""
        var start: UInt64 = 0, end: UInt64 = 0
        var fields = reader(range)
        while !fields.isAtEnd {
            let (field, wire) = try fields.tag()
            switch (field, wire) {
            case (1, WireType.lengthDelimited): traceID = try fields.lengthDelimited()
            case (2, WireType.lengthDelimited): spanID = try fields.lengthDelimited()
            case (3, WireType.lengthDelimited): try fields.validateUTF8(try fields.lengthDelimited())
            case (4, WireType.lengthDelimited): parentSpanID = try fields.lengthDelimited()
            case (5, WireType.lengthDelimited):
                let text = try fields.lengthDelimited()
                try fields.validateUTF8(text)
                name = text
            case (6, WireType.varint): kind = Int32(truncatingIfNeeded: try fields.varint())
            case (7, WireType.fixed64): start = try fields.fixed64()
            case (8, WireType.fixed64): end = try fields.fixed64()
            case (9, WireType.lengthDelimited):
                _ = try fields.lengthDelimited()
                attributeCount += 1
            case (11, WireType.lengthDelimited):
                _ = try fields.lengthDelimited()
                eventCount += 1
            case (13, WireType.lengthDelimited):
                _ = try fields.lengthDelimited()
                linkCount += 1
            case (15, WireType.lengthDelimited):
                let body = try fields.lengthDelimited()
                try enter(level + 1)
                try status(body, code: &statusCode, message: &statusMessage, level: level + 1)
            default:
                try skip(&fields, field, wire, level: level)
            }
        }
        extents.note(spanBytes: range.count)
        extents.note(list: max(attributeCount, eventCount, linkCount))

        packer!.beginSpan()
        packer!.text(utf8: reader(range).bytes(name ?? 0..<0))
        packer!.text(statusMessage)
        for _ in 0..<3 { packer!.count(0) }  // dropped counts: nothing is dropped yet
        packer!.count(attributeCount)
        if attributeCount > 0 {
            fields = reader(range)
            while !fields.isAtEnd {
                let (field, wire) = try fields.tag()
                if field == 9 && wire == WireType.lengthDelimited {
                    try packedAttribute(try fields.lengthDelimited(), level: level + 1)
                } else {
                    try skip(&fields, field, wire, level: level)
                }
            }
        }
        packer!.count(eventCount)
        if eventCount > 0 {
            fields = reader(range)
            while !fields.isAtEnd {
                let (field, wire) = try fields.tag()
                if field == 11 && wire == WireType.lengthDelimited {
                    let body = try fields.lengthDelimited()
                    try enter(level + 1)
                    try packedEvent(body, level: level + 1)
                } else {
                    try skip(&fields, field, wire, level: level)
                }
            }
        }
        var links: [SpanLink] = []
        if linkCount > 0 {
            // Rare, and a link that points nowhere is dropped: decoded first, then packed.
            fields = reader(range)
            while !fields.isAtEnd {
                let (field, wire) = try fields.tag()
                if field == 13 && wire == WireType.lengthDelimited {
                    let body = try fields.lengthDelimited()
                    try enter(level + 1)
                    if let link = try link(body, level: level + 1) { links.append(link) }
                } else {
                    try skip(&fields, field, wire, level: level)
                }
            }
        }
        packer!.count(links.count)
        for link in links {
            packer!.fixed64(link.traceID.high)
            packer!.fixed64(link.traceID.low)
            packer!.fixed64(link.spanID.value)
            packer!.count(link.attributes.count)
            for attribute in link.attributes {
                packer!.key(attribute.key)
                packer!.value(attribute.value)
            }
        }
        do throws(InvalidRecord) {
            let trace = try requiredTraceID(traceID, field: "traceId")
            let span = try requiredSpanID(spanID, field: "spanId")
            let parent = try optionalSpanID(parentSpanID, field: "parentSpanId")
            return .success(packer!.finishSpan(
                traceID: trace, spanID: span, parentSpanID: parent, startNanos: start, endNanos: end,
                kind: SpanKind(rawValue: Int(kind)) ?? .unspecified,
                statusCode: StatusCode(rawValue: Int(statusCode)) ?? .unset, origin: origin))
        } catch {
            return .failure(error)
        }
    }

    private mutating func packedEvent(_ range: Range<Int>, level: Int) throws(WireError) {
        var time: UInt64 = 0
        var name: Range<Int>?
        var attributeCount = 0
        var fields = reader(range)
        while !fields.isAtEnd {
            let (field, wire) = try fields.tag()
            switch (field, wire) {
            case (1, WireType.fixed64): time = try fields.fixed64()
            case (2, WireType.lengthDelimited):
                let text = try fields.lengthDelimited()
                try fields.validateUTF8(text)
                name = text
            case (3, WireType.lengthDelimited):
                _ = try fields.lengthDelimited()
                attributeCount += 1
            default: try skip(&fields, field, wire, level: level)
            }
        }
        extents.note(list: attributeCount)
        packer!.fixed64(time)
        packer!.key(utf8: fields.bytes(name ?? 0..<0))
        packer!.count(attributeCount)
        guard attributeCount > 0 else { return }
        fields = reader(range)
        while !fields.isAtEnd {
            let (field, wire) = try fields.tag()
            if field == 3 && wire == WireType.lengthDelimited {
                try packedAttribute(try fields.lengthDelimited(), level: level + 1)
            } else {
                try skip(&fields, field, wire, level: level)
            }
        }
    }

    /// A scalar value as found on the wire.
    private enum WireScalar {
        case empty, string(Range<Int>), bool(Bool), int(Int64), double(Double)
    }

    /// One attribute (a `KeyValue` at `level`), packed. Keys with one scalar value, nearly all of
    /// them, are written straight from the wire; lists, maps, bytes and values sent in several
    /// parts (which protobuf merges) are decoded as `attribute` does and then packed.
    private mutating func packedAttribute(_ range: Range<Int>, level: Int) throws(WireError) {
        try enter(level)
        var key: Range<Int>?
        var value: Range<Int>?
        var valueParts = 0
        var fields = reader(range)
        while !fields.isAtEnd {
            let (field, wire) = try fields.tag()
            switch (field, wire) {
            case (1, WireType.lengthDelimited):
                let text = try fields.lengthDelimited()
                try fields.validateUTF8(text)
                key = text
            case (2, WireType.lengthDelimited):
                value = try fields.lengthDelimited()
                valueParts += 1
            default:
                try skip(&fields, field, wire, level: level)
            }
        }
        var scalar = WireScalar.empty
        if let value {
            guard valueParts == 1, let found = try self.scalar(value, level: level + 1) else {
                let attribute = try attribute(range, level: level)
                packer!.key(attribute.key)
                packer!.value(attribute.value)
                return
            }
            scalar = found
        }
        packer!.key(utf8: fields.bytes(key ?? 0..<0))
        switch scalar {
        case .empty: packer!.value(.empty)
        case .string(let text): packer!.text(utf8: fields.bytes(text))
        case .bool(let flag): packer!.value(.bool(flag))
        case .int(let number): packer!.value(.int(number))
        case .double(let number): packer!.value(.double(number))
        }
    }

    /// The scalar an `AnyValue` holds (the last one, as protobuf merges), or nil when it holds a
    /// list, a map, bytes or a string table index.
    private func scalar(_ range: Range<Int>, level: Int) throws(WireError) -> WireScalar? {
        try enter(level)
        var scalar = WireScalar.empty
        var fields = reader(range)
        while !fields.isAtEnd {
            let (field, wire) = try fields.tag()
            switch (field, wire) {
            case (1, WireType.lengthDelimited):
                let text = try fields.lengthDelimited()
                try fields.validateUTF8(text)
                scalar = .string(text)
            case (2, WireType.varint): scalar = .bool(try fields.varint() != 0)
            case (3, WireType.varint): scalar = .int(Int64(bitPattern: try fields.varint()))
            case (4, WireType.fixed64): scalar = .double(Double(bitPattern: try fields.fixed64()))
            case (5, WireType.lengthDelimited), (6, WireType.lengthDelimited), (7, WireType.lengthDelimited),
                 (8, WireType.varint):
                return nil
            default: try skip(&fields, field, wire, level: level)
            }
        }
        return scalar
    }

    // MARK: Attributes

    /// One entry of an attribute list (a `KeyValue` at `level`), checked against the value depth limit.
    private mutating func attribute(_ range: Range<Int>, level: Int) throws(WireError) -> Attribute {
        try enter(level)
        let attribute = try keyValue(range, level: level)
        switch attribute.value {
        case .array, .map:
            if ValueDepthLimit.exceeds(attribute.value, limit: maxValueDepth) { throw .valueTooDeep(limit: maxValueDepth) }
        default:
            break
        }
        return attribute
    }

    private mutating func keyValue(_ range: Range<Int>, level: Int) throws(WireError) -> Attribute {
        var key = ""
        var value = AttributeValue.empty
        var fields = reader(range)
        while !fields.isAtEnd {
            let (field, wire) = try fields.tag()
            switch (field, wire) {
            case (1, WireType.lengthDelimited):
                key = try interner.string(fields, try fields.lengthDelimited())
            case (2, WireType.lengthDelimited):
                let body = try fields.lengthDelimited()
                try enter(level + 1)
                try anyValue(body, into: &value, level: level + 1)
            default:
                try skip(&fields, field, wire, level: level)
            }
        }
        return Attribute(key, value)
    }

    /// Decodes an `AnyValue` into `value`, merging as protobuf does: a second array (or map) for the
    /// same value extends the first; any other case replaces what was there.
    private mutating func anyValue(_ range: Range<Int>, into value: inout AttributeValue, level: Int) throws(WireError) {
        var fields = reader(range)
        while !fields.isAtEnd {
            let (field, wire) = try fields.tag()
            switch (field, wire) {
            case (1, WireType.lengthDelimited):
                value = .string(try interner.string(fields, try fields.lengthDelimited()))
            case (2, WireType.varint):
                value = .bool(try fields.varint() != 0)
            case (3, WireType.varint):
                value = .int(Int64(bitPattern: try fields.varint()))
            case (4, WireType.fixed64):
                value = .double(Double(bitPattern: try fields.fixed64()))
            case (5, WireType.lengthDelimited):
                let body = try fields.lengthDelimited()
                try enter(level + 1)
                var items: [AttributeValue] = []
                if case .array(let existing) = value {
                    items = existing
                    value = .empty
                }
                var elements = reader(body)
                while let element = try nextElement(&elements, level: level) {
                    var item = AttributeValue.empty
                    try anyValue(element, into: &item, level: level + 2)
                    items.append(item)
                }
                extents.note(list: items.count)
                value = .array(items)
            case (6, WireType.lengthDelimited):
                let body = try fields.lengthDelimited()
                try enter(level + 1)
                var entries: [Attribute] = []
                if case .map(let existing) = value {
                    entries = existing
                    value = .empty
                }
                var elements = reader(body)
                while let entry = try nextElement(&elements, level: level) {
                    entries.append(try keyValue(entry, level: level + 2))
                }
                extents.note(list: entries.count)
                value = .map(entries)
            case (7, WireType.lengthDelimited):
                value = .bytes(Array(fields.bytes(try fields.lengthDelimited())))
            case (8, WireType.varint):
                // An index into a profiles string table; meaningless outside a profiles request.
                _ = try fields.varint()
                value = .empty
            default:
                try skip(&fields, field, wire, level: level)
            }
        }
    }

    /// The next element of an `ArrayValue` or `KeyValueList` (both keep them in field 1), skipping
    /// anything else; nil at the end.
    private mutating func nextElement(_ elements: inout WireReader, level: Int) throws(WireError) -> Range<Int>? {
        while !elements.isAtEnd {
            let (field, wire) = try elements.tag()
            if field == 1 && wire == WireType.lengthDelimited {
                let element = try elements.lengthDelimited()
                try enter(level + 2)
                return element
            }
            try skip(&elements, field, wire, level: level + 1)
        }
        return nil
    }

    // MARK: Ids

    private func requiredTraceID(_ range: Range<Int>?, field: String) throws(InvalidRecord) -> TraceID {
        let id = try optionalTraceID(range, field: field)
        guard !id.isZero else { throw InvalidRecord(range?.isEmpty ?? true ? "\(field) is missing" : "\(field) is all zeros") }
        return id
    }

    private func optionalTraceID(_ range: Range<Int>?, field: String) throws(InvalidRecord) -> TraceID {
        guard let range, !range.isEmpty else { return .zero }
        guard range.count == 16 else { throw InvalidRecord("\(field) has \(range.count) bytes, expected 16") }
        return TraceID(high: UInt64(bigEndian: base.loadUnaligned(fromByteOffset: range.lowerBound, as: UInt64.self)),
                       low: UInt64(bigEndian: base.loadUnaligned(fromByteOffset: range.lowerBound + 8, as: UInt64.self)))
    }

    private func requiredSpanID(_ range: Range<Int>?, field: String) throws(InvalidRecord) -> SpanID {
        let id = try optionalSpanID(range, field: field)
        guard !id.isZero else { throw InvalidRecord(range?.isEmpty ?? true ? "\(field) is missing" : "\(field) is all zeros") }
        return id
    }

    private func optionalSpanID(_ range: Range<Int>?, field: String) throws(InvalidRecord) -> SpanID {
        guard let range, !range.isEmpty else { return .zero }
        guard range.count == 8 else { throw InvalidRecord("\(field) has \(range.count) bytes, expected 8") }
        return SpanID(UInt64(bigEndian: base.loadUnaligned(fromByteOffset: range.lowerBound, as: UInt64.self)))
    }
}

/// Scanners for concurrent requests: each decode borrows one, so its interned strings keep serving
/// the requests that follow without a lock held while decoding. A receiver's pool packs the spans it
/// decodes with the store's packers; a file reader's decodes `spans`.
public final class OTLPTraceScannerPool: Sendable {
    /// More idle scanners than this are dropped (each holds an interning table of about 100 KB).
    private static let maxIdle = 8
    private let idle = Mutex<[OTLPTraceScanner]>([])
    /// Decode into `packedSpans` with these (see `OTLPTraceScanner.decode(_:packing:)`); nil: `spans`.
    public let packers: SpanPackerPool?

    public init(packing packers: SpanPackerPool?) {
        self.packers = packers
    }

    public func decode(_ bytes: UnsafeRawBufferPointer, maxValueDepth: Int) throws(DecodeError) -> TelemetryBatch {
        var scanner = idle.withLock { scanners in
            scanners.lastIndex { $0.maxValueDepth == maxValueDepth }.map { scanners.remove(at: $0) }
        } ?? OTLPTraceScanner(maxValueDepth: maxValueDepth)
        defer {
            idle.withLock { scanners in
                if scanners.count < Self.maxIdle { scanners.append(scanner) }
            }
        }
        guard let packers else { return try scanner.decode(bytes) }
        let result = packers.withPacker { packer in
            Result { () throws(DecodeError) in try scanner.decode(bytes, packing: &packer) }
        }
        return try result.get()
    }
}
