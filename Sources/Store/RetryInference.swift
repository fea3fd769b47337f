import Semantics

/// Retries no attribute reports: an LLM call is a retry when an earlier sibling (same trace, same
/// parent span, same provider and request model) failed — an error status, or HTTP 429/5xx — and
/// ended at most `maxGapNanos` before it started. Spans may arrive in any order: a failed attempt that
/// arrives late marks the siblings stored after it. Each retried call is reported once.
struct RetryInference: Sendable {
    /// How long after a failure a repeated call still counts as its retry.
    static let maxGapNanos: UInt64 = 60_000_000_000
    /// End times may be rounded or taken a little after the next attempt began.
    static let clockSlackNanos: UInt64 = 10_000_000

    struct Group: Hashable, Sendable {
        var parent: SpanID
        var provider: String
        var model: String
    }

    struct Attempt: Sendable {
        var span: SpanID
        var startNanos: UInt64
        var endNanos: UInt64
        var failed: Bool
        var isRetry: Bool
    }

    private var attempts: [TraceID: [Group: [Attempt]]] = [:]

    /// Registers a call. `alreadyRetry` is true when the telemetry itself counted retries (such a call is
    /// never reported again). Returns the calls newly found to be retries: this one, later siblings, or both.
    mutating func register(_ span: RawSpan, call: LLMCall, alreadyRetry: Bool) -> [SpanID] {
        let ended = span.endNanos >= span.startNanos && span.endNanos != 0
        let attempt = Attempt(span: span.spanID, startNanos: span.startNanos, endNanos: ended ? span.endNanos : 0,
                              failed: ended && Normalizer.isFailedAttempt(span), isRetry: alreadyRetry)
        let group = Group(parent: span.parentSpanID, provider: call.provider,
                          model: call.requestModel.isEmpty ? call.model : call.requestModel)
        var siblings = attempts[span.traceID, default: [:]][group, default: []]
        var retries: [SpanID] = []
        var new = attempt
        if !new.isRetry, siblings.contains(where: { Self.follows(new, after: $0) }) {
            new.isRetry = true
            retries.append(new.span)
        }
        if new.failed {
            for index in siblings.indices where !siblings[index].isRetry && Self.follows(siblings[index], after: new) {
                siblings[index].isRetry = true
                retries.append(siblings[index].span)
            }
        }
        siblings.append(new)
        attempts[span.traceID, default: [:]][group] = siblings
        return retries
    }

    /// Forgets an evicted trace.
    mutating func forget(_ trace: TraceID) {
        attempts[trace] = nil
    }

    /// True when `attempt` started shortly after `failed` ended.
    static func follows(_ attempt: Attempt, after failed: Attempt) -> Bool {
        guard failed.failed, failed.span != attempt.span, failed.startNanos < attempt.startNanos else { return false }
        return failed.endNanos <= attempt.startNanos + clockSlackNanos
            && attempt.startNanos <= failed.endNanos + maxGapNanos
    }
}
