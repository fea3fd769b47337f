import PackedSpans
import Telemetry

/// A span's attributes by key, as normalizing reads them, whichever form the span is in.
protocol AttributeSource {
    /// The value of the last attribute with this key (as `[Attribute]`'s subscript).
    subscript(key: AttributeKey) -> AttributeValue? { get }
    /// The string the value holds alone (a string, or an array of exactly one string): nil when the key
    /// is absent, `.some(nil)` for any other value. The packed form reads it without building the array.
    func soleString(_ key: AttributeKey) -> String??
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
    func soleString(_ key: AttributeKey) -> String?? {
        switch self[key] {
        case nil: nil
        case .string(let string): .some(string)
        case .array(let items) where items.count == 1: .some(items[0].stringValue)
        default: .some(nil)
        }
    }
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
