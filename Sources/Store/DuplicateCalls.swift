import Semantics

/// Where a stored span lives.
public struct SpanKey: Hashable, Sendable {
    public var trace: TraceID
    public var span: SpanID

    public init(trace: TraceID, span: SpanID) {
        self.trace = trace
        self.span = span
    }
}

/// Finds LLM calls reported twice: by two instrumentations at once (e.g. an SDK's built-in tracing plus
/// an instrumentation library, two unrelated spans) so that each call is counted once.
///
/// Only reports from the same service (one process, so one resource) by different instrumentation
/// scopes are compared. Two calls are the same when they share provider and `gen_ai.response.id`;
/// calls without a response id are the same when they have the same model and token counts and start
/// within `startToleranceNanos` of each other.
struct DuplicateCallIndex: Sendable {
    static let startToleranceNanos: UInt64 = 5_000_000

    private struct Registered: Sendable {
        var key: SpanKey
        var startNanos: UInt64
        var scope: String
        var service: String

        /// Another instrumentation in the same process.
        func isOtherInstrumentation(than other: Registered) -> Bool {
            key != other.key && service == other.service && scope != other.scope
        }
    }

    private struct Shape: Hashable, Sendable {
        var provider: String
        var model: String
        var input: Int64
        var output: Int64
        var bucket: UInt64
    }

    /// A provider's response id; its strings are the call's own, so registering allocates no key.
    private struct ResponseKey: Hashable, Sendable {
        var provider: String
        var responseID: String
    }

    private var byResponseID: [ResponseKey: [Registered]] = [:]
    private var byShape: [Shape: [Registered]] = [:]

    /// Registers a call and returns the earlier span it duplicates, if any.
    mutating func register(_ key: SpanKey, call: LLMCall, span: RawSpan) -> SpanKey? {
        let entry = Registered(key: key, startNanos: span.startNanos, scope: span.origin.scopeName,
                               service: span.origin.serviceName)
        if let responseKey = Self.responseKey(call) {
            defer { byResponseID[responseKey, default: []].append(entry) }
            return byResponseID[responseKey]?.first { $0.isOtherInstrumentation(than: entry) }?.key
        }
        guard call.hasUsage else { return nil }
        let shape = Self.shape(call, startNanos: span.startNanos)
        defer { byShape[shape, default: []].append(entry) }
        for bucket in [shape.bucket &- 1, shape.bucket, shape.bucket &+ 1] {
            var neighbour = shape
            neighbour.bucket = bucket
            let match = byShape[neighbour]?.first { other in
                other.isOtherInstrumentation(than: entry)
                    && max(other.startNanos, entry.startNanos) - min(other.startNanos, entry.startNanos)
                        <= Self.startToleranceNanos
            }
            if let match { return match.key }
        }
        return nil
    }

    /// Forgets an evicted call.
    mutating func remove(_ key: SpanKey, call: LLMCall, span: RawSpan) {
        if let responseKey = Self.responseKey(call) {
            byResponseID[responseKey]?.removeAll { $0.key == key }
            if byResponseID[responseKey]?.isEmpty == true { byResponseID[responseKey] = nil }
        } else if call.hasUsage {
            let shape = Self.shape(call, startNanos: span.startNanos)
            byShape[shape]?.removeAll { $0.key == key }
            if byShape[shape]?.isEmpty == true { byShape[shape] = nil }
        }
    }

    private static func responseKey(_ call: LLMCall) -> ResponseKey? {
        call.responseID.isEmpty ? nil : ResponseKey(provider: call.provider, responseID: call.responseID)
    }

    private static func shape(_ call: LLMCall, startNanos: UInt64) -> Shape {
        Shape(provider: call.provider, model: call.model, input: call.usage.input, output: call.usage.output,
              bucket: startNanos / startToleranceNanos)
    }

    /// Which of two reports of one call to keep: the one that says more.
    static func richness(of span: StoredSpan) -> Int {
        guard case .llm(let call) = span.role else { return 0 }
        let raw = span.raw
        return (call.hasUsage ? 10_000 : 0) + (call.finishReasons.isEmpty ? 0 : 1_000)
            + raw.events.count * 10 + span.logEvents.count * 10 + raw.attributes.count
    }
}
