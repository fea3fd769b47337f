// Wire-neutral telemetry records. Every decoder (protobuf, OTLP JSON, a specialised scanner)
// produces these; normalization and the store never see a protobuf message.

/// An OTLP `AnyValue`.
public enum AttributeValue: Sendable, Equatable, Hashable {
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case bytes([UInt8])
    case array([AttributeValue])
    case map([Attribute])
    case empty

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// Integer view: ints, integral doubles and decimal strings (some SDKs send numbers as text).
    public var intValue: Int64? {
        switch self {
        case .int(let v): return v
        case .double(let d) where d.isFinite && d.rounded() == d && abs(d) < 9.0e18: return Int64(d)
        case .string(let s): return Int64(s)
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .double(let d): return d
        case .int(let v): return Double(v)
        case .string(let s): return Double(s)
        default: return nil
        }
    }

    public var boolValue: Bool? {
        switch self {
        case .bool(let b): return b
        case .string(let s): return s == "true" ? true : (s == "false" ? false : nil)
        default: return nil
        }
    }

    /// Strings of a string array, or the single string.
    public var stringArray: [String]? {
        switch self {
        case .array(let items): return items.compactMap(\.stringValue)
        case .string(let s): return [s]
        default: return nil
        }
    }

    /// Value of `key` when this is a map.
    public subscript(key: String) -> AttributeValue? {
        if case .map(let entries) = self { return entries.first { $0.key == key }?.value }
        return nil
    }
}

public struct Attribute: Sendable, Equatable, Hashable {
    public var key: String
    public var value: AttributeValue
    public init(_ key: String, _ value: AttributeValue) {
        self.key = key
        self.value = value
    }
}

extension Array where Element == Attribute {
    /// Last value wins, as in the OTel SDKs' attribute maps.
    public subscript(key: String) -> AttributeValue? {
        // Comparing lengths first (stored in the string, so free) skips most comparisons of text.
        let length = key.utf8.count
        for attribute in reversed() where attribute.key.utf8.count == length && attribute.key == key {
            return attribute.value
        }
        return nil
    }
}

public struct TraceID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }
    public static let zero = TraceID(high: 0, low: 0)
    public var isZero: Bool { high == 0 && low == 0 }

    /// From 16 big-endian bytes; nil for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        var h: UInt64 = 0, l: UInt64 = 0
        for (i, b) in bytes.enumerated() {
            if i < 8 { h = h << 8 | UInt64(b) } else { l = l << 8 | UInt64(b) }
        }
        self.init(high: h, low: l)
    }

    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 32, let h = UInt64(hex.prefix(16), radix: 16),
              let l = UInt64(hex.suffix(16), radix: 16) else { return nil }
        self.init(high: h, low: l)
    }

    public var bytes: [UInt8] { SpanID(high).bytes + SpanID(low).bytes }
    public var hex: String { hex16(high) + hex16(low) }
    public var description: String { hex }
    public static func < (a: TraceID, b: TraceID) -> Bool { (a.high, a.low) < (b.high, b.low) }
}

public struct SpanID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var value: UInt64
    public init(_ value: UInt64) { self.value = value }
    public static let zero = SpanID(0)
    public var isZero: Bool { value == 0 }

    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 8 else { return nil }
        self.init(bytes.reduce(0) { $0 << 8 | UInt64($1) })
    }

    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 16, let v = UInt64(hex, radix: 16) else { return nil }
        self.init(v)
    }

    public var bytes: [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) } }
    public var hex: String { hex16(value) }
    public var description: String { hex }
    public static func < (a: SpanID, b: SpanID) -> Bool { a.value < b.value }
}

private func hex16(_ v: UInt64) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: 16 - s.count) + s
}

/// Resource and instrumentation scope shared by every record of one `Resource*`/`Scope*` group.
public final class Origin: Sendable {
    public let resource: [Attribute]
    public let scopeName: String
    public let scopeVersion: String
    public let schemaURL: String
    public let serviceName: String

    public init(resource: [Attribute], scopeName: String = "", scopeVersion: String = "", schemaURL: String = "") {
        self.resource = resource
        self.scopeName = scopeName
        self.scopeVersion = scopeVersion
        self.schemaURL = schemaURL
        self.serviceName = resource["service.name"]?.stringValue ?? "unknown_service"
    }
}

public enum SpanKind: Int, Sendable {
    case unspecified = 0, `internal`, server, client, producer, consumer

    public var label: String {
        switch self {
        case .unspecified: "UNSPECIFIED"
        case .internal: "INTERNAL"
        case .server: "SERVER"
        case .client: "CLIENT"
        case .producer: "PRODUCER"
        case .consumer: "CONSUMER"
        }
    }
}

public enum StatusCode: Int, Sendable {
    case unset = 0, ok, error
}

public struct SpanEvent: Sendable, Equatable {
    public var timeNanos: UInt64
    public var name: String
    public var attributes: [Attribute]
    public init(timeNanos: UInt64, name: String, attributes: [Attribute]) {
        self.timeNanos = timeNanos
        self.name = name
        self.attributes = attributes
    }
}

public struct SpanLink: Sendable, Equatable {
    public var traceID: TraceID
    public var spanID: SpanID
    public var attributes: [Attribute]
    public init(traceID: TraceID, spanID: SpanID, attributes: [Attribute]) {
        self.traceID = traceID
        self.spanID = spanID
        self.attributes = attributes
    }
}

/// Entries the ingest limits dropped from one span (its own attributes plus its events' and links').
public struct DroppedCounts: Sendable, Equatable {
    public var attributes = 0
    public var events = 0
    public var links = 0
    public init(attributes: Int = 0, events: Int = 0, links: Int = 0) {
        self.attributes = attributes
        self.events = events
        self.links = links
    }
    public var isZero: Bool { attributes == 0 && events == 0 && links == 0 }
}

/// One decoded OTLP span.
public struct RawSpan: Sendable {
    public var traceID: TraceID
    public var spanID: SpanID
    public var parentSpanID: SpanID
    public var name: String
    public var kind: SpanKind
    public var startNanos: UInt64
    public var endNanos: UInt64
    public var attributes: [Attribute]
    public var events: [SpanEvent]
    public var links: [SpanLink]
    public var statusCode: StatusCode
    public var statusMessage: String
    public var origin: Origin
    /// What the ingest limits cut from this span.
    public var dropped = DroppedCounts()

    public init(traceID: TraceID, spanID: SpanID, parentSpanID: SpanID = .zero, name: String,
                kind: SpanKind = .internal, startNanos: UInt64, endNanos: UInt64,
                attributes: [Attribute] = [], events: [SpanEvent] = [], links: [SpanLink] = [],
                statusCode: StatusCode = .unset, statusMessage: String = "", origin: Origin) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.name = name
        self.kind = kind
        self.startNanos = startNanos
        self.endNanos = endNanos
        self.attributes = attributes
        self.events = events
        self.links = links
        self.statusCode = statusCode
        self.statusMessage = statusMessage
        self.origin = origin
    }
}

/// One decoded OTLP log record.
public struct RawLogRecord: Sendable {
    public var timeNanos: UInt64
    public var observedTimeNanos: UInt64
    public var severityNumber: Int
    public var severityText: String
    /// `LogRecord.event_name`, or failing that the `event.name` attribute.
    public var eventName: String
    public var body: AttributeValue
    public var attributes: [Attribute]
    public var traceID: TraceID
    public var spanID: SpanID
    public var origin: Origin
    /// Attributes the ingest limits dropped.
    public var droppedAttributes = 0

    public init(timeNanos: UInt64, observedTimeNanos: UInt64 = 0, severityNumber: Int = 0,
                severityText: String = "", eventName: String, body: AttributeValue = .empty,
                attributes: [Attribute] = [], traceID: TraceID = .zero, spanID: SpanID = .zero,
                origin: Origin) {
        self.timeNanos = timeNanos
        self.observedTimeNanos = observedTimeNanos
        self.severityNumber = severityNumber
        self.severityText = severityText
        self.eventName = eventName.isEmpty ? (attributes["event.name"]?.stringValue ?? "") : eventName
        self.body = body
        self.attributes = attributes
        self.traceID = traceID
        self.spanID = spanID
        self.origin = origin
    }
}

public enum Temporality: Int, Sendable {
    case unspecified = 0, delta, cumulative
}

public struct HistogramValue: Sendable, Equatable {
    public var count: UInt64
    public var sum: Double?
    public var min: Double?
    public var max: Double?
    /// Explicit bounds; `bucketCounts.count == bounds.count + 1`.
    public var bounds: [Double]
    public var bucketCounts: [UInt64]
    public init(count: UInt64, sum: Double?, min: Double? = nil, max: Double? = nil,
                bounds: [Double], bucketCounts: [UInt64]) {
        self.count = count
        self.sum = sum
        self.min = min
        self.max = max
        self.bounds = bounds
        self.bucketCounts = bucketCounts
    }
}

public struct ExponentialHistogramValue: Sendable, Equatable {
    public var count: UInt64
    public var sum: Double?
    public var scale: Int32
    public var zeroCount: UInt64
    public var positiveOffset: Int32
    public var positiveCounts: [UInt64]
    public var negativeOffset: Int32
    public var negativeCounts: [UInt64]
    public init(count: UInt64, sum: Double?, scale: Int32, zeroCount: UInt64,
                positiveOffset: Int32, positiveCounts: [UInt64],
                negativeOffset: Int32, negativeCounts: [UInt64]) {
        self.count = count
        self.sum = sum
        self.scale = scale
        self.zeroCount = zeroCount
        self.positiveOffset = positiveOffset
        self.positiveCounts = positiveCounts
        self.negativeOffset = negativeOffset
        self.negativeCounts = negativeCounts
    }
}

public enum MetricValue: Sendable, Equatable {
    case number(Double)
    case histogram(HistogramValue)
    case exponentialHistogram(ExponentialHistogramValue)
    /// Summary points carry count and sum only here.
    case summary(count: UInt64, sum: Double)
}

public enum MetricKind: String, Sendable {
    case gauge, sum, histogram, exponentialHistogram = "exponential_histogram", summary
}

/// One decoded data point with its metric's identity.
public struct RawMetricPoint: Sendable {
    public var metricName: String
    public var unit: String
    public var kind: MetricKind
    public var temporality: Temporality
    public var isMonotonic: Bool
    public var attributes: [Attribute]
    public var startNanos: UInt64
    public var timeNanos: UInt64
    public var value: MetricValue
    public var origin: Origin

    public init(metricName: String, unit: String, kind: MetricKind, temporality: Temporality,
                isMonotonic: Bool, attributes: [Attribute], startNanos: UInt64, timeNanos: UInt64,
                value: MetricValue, origin: Origin) {
        self.metricName = metricName
        self.unit = unit
        self.kind = kind
        self.temporality = temporality
        self.isMonotonic = isMonotonic
        self.attributes = attributes
        self.startNanos = startNanos
        self.timeNanos = timeNanos
        self.value = value
        self.origin = origin
    }
}
