import Telemetry
import PackedSpans

/// Bounds on what one record may carry, applied to every decoded batch before it is stored, whichever
/// decoder produced it. Past a bound the first entries are kept, the rest are dropped and counted (in the
/// record, for the span screen, and in the batch, for the ingest counters); an over-long string keeps
/// its head and ends with a visible mark saying how long it was.
public struct RecordLimits: Sendable, Equatable {
    /// Attributes per span, event, link and log record; also elements per array or map value.
    public var maxAttributes: Int
    public var maxEvents: Int
    public var maxLinks: Int
    /// UTF-8 bytes kept of one string value (bytes values likewise).
    public var maxValueBytes: Int

    public static let standard = RecordLimits(maxAttributes: 256, maxEvents: 256, maxLinks: 128,
                                              maxValueBytes: 64 * 1024)

    public init(maxAttributes: Int, maxEvents: Int, maxLinks: Int, maxValueBytes: Int) {
        self.maxAttributes = maxAttributes
        self.maxEvents = maxEvents
        self.maxLinks = maxLinks
        self.maxValueBytes = maxValueBytes
    }

    /// The mark that ends a cut string: `…[cut: 70,000 bytes]`.
    public static func cutMark(originalBytes: Int) -> String {
        "…[cut: \(originalBytes.formatted(groupingSeparator: ",")) bytes]"
    }

    public func apply(to batch: inout TelemetryBatch) {
        var cuts = LimitCounts()
        let extentsFit = batch.spanExtents.map(fits) ?? false
        if !batch.spans.isEmpty, !extentsFit {
            for index in batch.spans.indices where exceeds(batch.spans[index]) {
                limit(&batch.spans[index], cuts: &cuts)
            }
        }
        if !batch.packedSpans.isEmpty, !extentsFit {
            // Rare (the decoder measured something past a bound): unpack, cut and pack again.
            // Packed again in the span's own table, so that it is numbered like its batch (one packer
            // for the batch: a packer's caches are some 90 KB).
            var packer: SpanPacker?
            for index in batch.packedSpans.indices {
                var raw = batch.packedSpans[index].unpacked()
                guard exceeds(raw) else { continue }
                limit(&raw, cuts: &cuts)
                let symbols = batch.packedSpans[index].symbols
                if packer?.symbols !== symbols { packer = SpanPacker(symbols: symbols) }
                batch.packedSpans[index] = packer!.pack(raw)
            }
        }
        for index in batch.logs.indices where exceeds(batch.logs[index].attributes) || exceeds(batch.logs[index].body) {
            let dropped = limit(&batch.logs[index].attributes, cuts: &cuts)
            batch.logs[index].droppedAttributes += dropped
            limit(&batch.logs[index].body, cuts: &cuts)
        }
        for index in batch.metrics.indices where exceeds(batch.metrics[index].attributes) {
            limit(&batch.metrics[index].attributes, cuts: &cuts)
        }
        batch.limitCounts += cuts
    }

    // MARK: Checking (cheap, no copies: most records are within bounds)

    /// True when no span measured so can exceed a bound (so none needs checking).
    private func fits(_ extents: SpanExtents) -> Bool {
        extents.longestSpanBytes <= maxValueBytes && extents.longestList <= min(maxAttributes, maxEvents, maxLinks)
    }

    private func exceeds(_ span: RawSpan) -> Bool {
        span.events.count > maxEvents || span.links.count > maxLinks || exceeds(span.attributes)
            || span.events.contains { exceeds($0.attributes) } || span.links.contains { exceeds($0.attributes) }
            || span.name.utf8.count > maxValueBytes || span.statusMessage.utf8.count > maxValueBytes
    }

    private func exceeds(_ attributes: [Attribute]) -> Bool {
        attributes.count > maxAttributes || attributes.contains { exceeds($0.value) || $0.key.utf8.count > maxValueBytes }
    }

    private func exceeds(_ value: AttributeValue) -> Bool {
        switch value {
        case .string(let text): text.utf8.count > maxValueBytes
        case .bytes(let bytes): bytes.count > maxValueBytes
        case .array(let items): items.count > maxAttributes || items.contains { exceeds($0) }
        case .map(let entries): exceeds(entries)
        case .bool, .int, .double, .empty: false
        }
    }

    // MARK: Cutting

    private func limit(_ span: inout RawSpan, cuts: inout LimitCounts) {
        span.dropped.attributes += limit(&span.attributes, cuts: &cuts)
        if span.events.count > maxEvents {
            let extra = span.events.count - maxEvents
            span.events.removeLast(extra)
            span.dropped.events += extra
            cuts.droppedEvents += extra
        }
        if span.links.count > maxLinks {
            let extra = span.links.count - maxLinks
            span.links.removeLast(extra)
            span.dropped.links += extra
            cuts.droppedLinks += extra
        }
        for index in span.events.indices { span.dropped.attributes += limit(&span.events[index].attributes, cuts: &cuts) }
        for index in span.links.indices { span.dropped.attributes += limit(&span.links[index].attributes, cuts: &cuts) }
        cut(&span.name, cuts: &cuts)
        cut(&span.statusMessage, cuts: &cuts)
    }

    /// Returns how many attributes were dropped from this list itself (nested drops are only counted in `cuts`).
    @discardableResult
    private func limit(_ attributes: inout [Attribute], cuts: inout LimitCounts) -> Int {
        var dropped = 0
        if attributes.count > maxAttributes {
            dropped = attributes.count - maxAttributes
            attributes.removeLast(dropped)
            cuts.droppedAttributes += dropped
        }
        for index in attributes.indices {
            cut(&attributes[index].key, cuts: &cuts)
            limit(&attributes[index].value, cuts: &cuts)
        }
        return dropped
    }

    private func limit(_ value: inout AttributeValue, cuts: inout LimitCounts) {
        switch value {
        case .string(var text) where text.utf8.count > maxValueBytes:
            cut(&text, cuts: &cuts)
            value = .string(text)
        case .bytes(let bytes) where bytes.count > maxValueBytes:
            cuts.cutValues += 1
            value = .bytes(Array(bytes.prefix(maxValueBytes)))
        case .array(var items) where exceeds(value):
            if items.count > maxAttributes {
                cuts.droppedAttributes += items.count - maxAttributes
                items.removeLast(items.count - maxAttributes)
            }
            for index in items.indices { limit(&items[index], cuts: &cuts) }
            value = .array(items)
        case .map(var entries) where exceeds(value):
            limit(&entries, cuts: &cuts)
            value = .map(entries)
        default:
            break
        }
    }

    private func cut(_ text: inout String, cuts: inout LimitCounts) {
        let length = text.utf8.count
        guard length > maxValueBytes else { return }
        // Back off to the start of a Unicode scalar so the kept head is valid text.
        var end = text.utf8.index(text.utf8.startIndex, offsetBy: maxValueBytes)
        while end > text.utf8.startIndex, end.samePosition(in: text.unicodeScalars) == nil {
            end = text.utf8.index(before: end)
        }
        text = String(text[..<end]) + Self.cutMark(originalBytes: length)
        cuts.cutValues += 1
    }
}

extension Int {
    /// `1234567` → `1,234,567`, without Foundation's locale machinery.
    func formatted(groupingSeparator: String) -> String {
        let digits = String(magnitude)
        var out = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { out += groupingSeparator }
            out.append(digit)
        }
        return self < 0 ? "-" + out : out
    }
}

/// A sink that applies `limits` to every batch before passing it on.
public struct LimitingSink: TelemetrySink {
    public let limits: RecordLimits
    public let next: any TelemetrySink

    public init(_ limits: RecordLimits, next: any TelemetrySink) {
        self.limits = limits
        self.next = next
    }

    public func accept(_ batch: TelemetryBatch) {
        var limited = batch
        limits.apply(to: &limited)
        next.accept(limited)
    }

    public func refused(_ refusal: RequestRefusal) { next.refused(refusal) }
}
