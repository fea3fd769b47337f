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

    /// What the store needs of a span, read from its packed form in one pass.
    public struct Reading: Sendable {
        public let role: SpanRole
        public let evaluations: [EvaluationResult]
        /// See `isFailedAttempt` (open spans included).
        public let failedAttempt: Bool
        /// The session the span names, whatever its role (a trace takes its first span's).
        public let sessionID: String
    }

    public static func read(_ span: PackedSpan) -> Reading {
        span.withFacts { facts in
            let role = role(facts, facts.attributes)
            let evaluations = facts.events(named: Keys.evaluationResult).compactMap {
                EvaluationResult(eventName: $0.name, attributes: $0.attributes)
            }
            let failed = role.llm != nil && isFailedAttempt(facts, facts.attributes)
            let session = role.llm?.sessionID ?? sessionID(facts.attributes)
            return Reading(role: role, evaluations: evaluations, failedAttempt: failed, sessionID: session)
        }
    }

    /// What the store needs of a log record, read once on arrival.
    public struct LogReading: Sendable {
        public let record: RawLogRecord
        /// A `gen_ai.evaluation.result` event's result.
        public let evaluation: EvaluationResult?
        /// A coding agent's event (a call, a prompt, a tool decision or result).
        public let agentEvent: AgentEvent?
        /// A `gen_ai.choice` event's finish reason, as sent and normalized: streaming calls of some
        /// instrumentations carry theirs only there.
        public let choiceFinishReason: (raw: String, normalized: String)?
    }

    public static func read(_ log: RawLogRecord) -> LogReading {
        var finish: (String, String)?
        if log.eventName == "gen_ai.choice", let reason = log.body["finish_reason"]?.stringValue, !reason.isEmpty {
            finish = (reason, normalizedFinishReason(reason))
        }
        return LogReading(record: log,
                          evaluation: EvaluationResult(eventName: log.eventName, attributes: log.attributes, body: log.body),
                          agentEvent: CodingAgentEvents.read(log), choiceFinishReason: finish)
    }
}
