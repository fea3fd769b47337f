import PackedSpans
import Telemetry

/// A span's attributes by key, as normalizing reads them, whichever form the span is in.
protocol AttributeSource {
    /// The value of the last attribute with this key (as `[Attribute]`'s subscript).
    subscript(key: AttributeKey) -> AttributeValue? { get }
    /// Every attribute in order, for keys matched by pattern rather than by name (rarely needed).
    func forEach(_ body: (String, AttributeValue) -> Void)
}

/// What normalizing reads of a span besides its attributes.
protocol SpanFacts {
    var name: String { get }
    var startNanos: UInt64 { get }
    var statusCode: StatusCode { get }
    /// The earliest time of an event with one of these names.
    func earliestEvent(named names: [AttributeKey]) -> UInt64?
}

extension AttributeLookup: AttributeSource {
    subscript(key: AttributeKey) -> AttributeValue? { self[key.name] }
    func forEach(_ body: (String, AttributeValue) -> Void) {
        for attribute in attributes { body(attribute.key, attribute.value) }
    }
}

extension RawSpan: SpanFacts {
    func earliestEvent(named names: [AttributeKey]) -> UInt64? {
        events.lazy.filter { event in names.contains { $0.name == event.name } }.map(\.timeNanos).min()
    }
}

extension PackedAttributes: AttributeSource {}

extension PackedSpanFacts: SpanFacts {}
