import Semantics
import Telemetry
import PackedSpans

/// Rough bytes a record keeps alive once stored: a fixed share for the record itself and its indexes,
/// plus its text and values. Used to bound memory (`--max-memory`), not to report exact sizes.
public enum RetainedSize {
    // Calibrated against the resident size of runs storing the load generator's agent traces (see
    // BENCHMARKS.md): what a packed span, its share of its trace's row and indexes, and the allocator keep.
    static let perPackedSpan = 250
    static let perLLMCall = 400
    static let perRole = 90
    static let perAttribute = 90
    static let perLog = 500
    static let perEvaluation = 120

    /// A packed span as the store keeps it, with its normalized role.
    public static func of(_ span: PackedSpan, role: SpanRole) -> Int {
        let roleBytes = switch role {
        case .llm(let call): perLLMCall + 16 * (call.finishReasons.count + call.rawFinishReasons.count)
        case .tool, .agent, .workflow: perRole
        case .plain: 0
        }
        return perPackedSpan + span.bodyBytes + roleBytes
    }

    /// Evaluation results kept with a span (their text is mostly shared with the events they came from).
    static func of(_ evaluations: [EvaluationResult]) -> Int {
        evaluations.reduce(0) { $0 + perEvaluation + $1.name.utf8.count + ($1.label?.utf8.count ?? 0) }
    }

    public static func of(_ log: RawLogRecord) -> Int {
        perLog + log.eventName.utf8.count + log.severityText.utf8.count + of(log.body) + of(log.attributes)
    }

    static func of(_ attributes: [Attribute]) -> Int {
        attributes.reduce(0) { $0 + perAttribute + $1.key.utf8.count + of($1.value) }
    }

    static func of(_ value: AttributeValue) -> Int {
        switch value {
        case .string(let text): text.utf8.count
        case .bytes(let bytes): bytes.count
        case .array(let items): items.reduce(0) { $0 + 16 + of($1) }
        case .map(let entries): of(entries)
        case .bool, .int, .double, .empty: 0
        }
    }
}
