import Foundation
import Semantics
import OTLPWire
import Telemetry
import Synthetic

typealias WireSpan = Opentelemetry_Proto_Trace_V1_Span
typealias WireKeyValue = Opentelemetry_Proto_Common_V1_KeyValue
typealias WireAnyValue = Opentelemetry_Proto_Common_V1_AnyValue

/// An attribute value as the demo writes it; becomes an OTLP `AnyValue`.
enum DemoValue: Sendable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case strings([String])

    var wire: WireAnyValue {
        var value = WireAnyValue()
        switch self {
        case .string(let s): value.stringValue = s
        case .int(let i): value.intValue = Int64(i)
        case .double(let d): value.doubleValue = d
        case .bool(let b): value.boolValue = b
        case .strings(let list):
            var array = Opentelemetry_Proto_Common_V1_ArrayValue()
            array.values = list.map { DemoValue.string($0).wire }
            value.arrayValue = array
        }
        return value
    }
}

extension [WireKeyValue] {
    init(_ attributes: [(String, DemoValue)]) {
        self = attributes.map { key, value in
            var pair = WireKeyValue()
            pair.key = key
            pair.value = value.wire
            return pair
        }
    }
}

/// Which instrumentation library reports a span; spans of one library share a scope in the request.
enum DemoScope: String, Sendable, CaseIterable {
    case app = "tokentop.demo.agents"
    case openAI = "opentelemetry.instrumentation.openai_v2"
    case anthropic = "opentelemetry.instrumentation.anthropic"
    case vllm = "opentelemetry.instrumentation.vllm"

    var version: String { self == .app ? "1.0.0" : "0.3b0" }
}

/// One finished span of a planned run; it is exported when the run's clock reaches its end.
struct DemoSpan: Sendable {
    var wire: WireSpan
    var scope: DemoScope
    var endNanos: UInt64 { wire.endTimeUnixNano }
}

/// Builds the spans of one trace on the run's own timeline.
struct TraceRecorder {
    let traceID: Data
    private(set) var spans: [DemoSpan] = []
    var random: SeededRandom

    init(random: SeededRandom) {
        var random = random
        self.traceID = random.bytes(16)
        self.random = random
    }

    mutating func newSpanID() -> Data { random.bytes(8) }

    /// Records a span; `id` lets a parent be recorded after its children (it ends last).
    @discardableResult
    mutating func record(_ name: String, id: Data? = nil, parent: Data?, kind: WireSpan.SpanKind,
                         start: UInt64, end: UInt64, scope: DemoScope = .app,
                         attributes: [(String, DemoValue)], events: [WireSpan.Event] = [],
                         failure: String? = nil) -> Data {
        let spanID = id ?? newSpanID()
        var span = WireSpan()
        span.traceID = traceID
        span.spanID = spanID
        if let parent { span.parentSpanID = parent }
        span.name = name
        span.kind = kind
        span.startTimeUnixNano = start
        span.endTimeUnixNano = end
        span.attributes = .init(attributes)
        span.events = events
        if let failure {
            span.status.code = .error
            span.status.message = failure
        }
        spans.append(DemoSpan(wire: span, scope: scope))
        return spanID
    }

    static func event(_ name: String, at time: UInt64, _ attributes: [(String, DemoValue)]) -> WireSpan.Event {
        var event = WireSpan.Event()
        event.name = name
        event.timeUnixNano = time
        event.attributes = .init(attributes)
        return event
    }
}

extension SeededRandom {
    mutating func bytes(_ count: Int) -> Data {
        Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &self) })
    }

    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &self) < probability }

    mutating func token(_ count: Int, alphabet: String = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") -> String {
        let letters = Array(alphabet)
        return String((0..<count).map { _ in letters.randomElement(using: &self)! })
    }

    /// A derived generator, so one run's draws do not shift the next run's.
    mutating func split() -> SeededRandom { SeededRandom(seed: next()) }
}
