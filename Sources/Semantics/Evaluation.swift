import Telemetry
import PackedSpans
/// One `gen_ai.evaluation.result` event: a judgement of an LLM call's output (a score, a label, or
/// both), sent as a span event or as a log record on the span it refers to.
public struct EvaluationResult: Sendable, Equatable {
    public static let eventName = "gen_ai.evaluation.result"

    /// `gen_ai.evaluation.name`, e.g. `relevance`; `evaluation` when the event names none.
    public var name: String
    /// `gen_ai.evaluation.score.value`.
    public var score: Double?
    /// `gen_ai.evaluation.score.label`, e.g. `relevant`.
    public var label: String?
    public var explanation: String?

    public init(name: String, score: Double? = nil, label: String? = nil, explanation: String? = nil) {
        self.name = name
        self.score = score
        self.label = label
        self.explanation = explanation
    }

    /// The result an event carries in its attributes (or, for log records, in a map body); nil for
    /// other events and for results with neither score nor label.
    public init?(eventName: String, attributes: [Attribute], body: AttributeValue = .empty) {
        guard eventName == Self.eventName else { return nil }
        func value(_ key: String) -> AttributeValue? { attributes[key] ?? body[key] }
        let score = value("gen_ai.evaluation.score.value")?.doubleValue.flatMap { $0.isFinite ? $0 : nil }
        let label = value("gen_ai.evaluation.score.label")?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        guard score != nil || label != nil else { return nil }
        let name = value("gen_ai.evaluation.name")?.stringValue ?? ""
        self.init(name: name.isEmpty ? "evaluation" : name, score: score, label: label,
                  explanation: value("gen_ai.evaluation.explanation")?.stringValue)
    }
}

extension Normalizer {
    /// A failed attempt of an LLM call, one a client would retry: an error status, or an HTTP 429 or
    /// 5xx response.
    public static func isFailedAttempt(_ span: RawSpan) -> Bool {
        isFailedAttempt(span, AttributeLookup(span.attributes))
    }

    /// The same, read from the packed form in place.
    public static func isFailedAttempt(_ span: PackedSpan) -> Bool {
        span.withFacts { isFailedAttempt($0, $0.attributes) }
    }

    static func isFailedAttempt<Span: SpanFacts, Attributes: AttributeSource>(_ span: Span, _ a: Attributes) -> Bool {
        if span.statusCode == .error { return true }
        guard let status = first(a, Keys.httpStatus)?.intValue else { return false }
        return status == 429 || (500...599).contains(status)
    }

    /// The evaluation results a span carries as span events.
    public static func evaluations(of span: RawSpan) -> [EvaluationResult] {
        span.events.compactMap { EvaluationResult(eventName: $0.name, attributes: $0.attributes) }
    }

    /// The same, read from the packed form (only the evaluation events are unpacked).
    public static func evaluations(of span: PackedSpan) -> [EvaluationResult] {
        span.withFacts { facts in
            facts.events(named: Keys.evaluationResult).compactMap {
                EvaluationResult(eventName: $0.name, attributes: $0.attributes)
            }
        }
    }

    /// What the store needs of a span, read from its packed form in one pass.
    public struct Reading: Sendable {
        public let role: SpanRole
        public let evaluations: [EvaluationResult]
        /// See `isFailedAttempt` (open spans included).
        public let failedAttempt: Bool
    }

    public static func read(_ span: PackedSpan) -> Reading {
        span.withFacts { facts in
            let role = role(facts, facts.attributes)
            let evaluations = facts.events(named: Keys.evaluationResult).compactMap {
                EvaluationResult(eventName: $0.name, attributes: $0.attributes)
            }
            let failed = role.llm != nil && isFailedAttempt(facts, facts.attributes)
            return Reading(role: role, evaluations: evaluations, failedAttempt: failed)
        }
    }
}
