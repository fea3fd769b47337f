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

    /// The calls of one group, and which of them failed (usually few, so a new call checks only those).
    struct Siblings: Sendable {
        var attempts: [Attempt] = []
        var failures: [Int] = []

        mutating func add(_ attempt: Attempt) -> [SpanID] {
            var new = attempt, retries: [SpanID] = []
            if !new.isRetry, failures.contains(where: { RetryInference.follows(new, after: attempts[$0]) }) {
                new.isRetry = true
                retries.append(new.span)
            }
            if new.failed {
                // A failure that arrives after the calls that repeated it.
                for index in attempts.indices where !attempts[index].isRetry && RetryInference.follows(attempts[index], after: new) {
                    attempts[index].isRetry = true
                    retries.append(attempts[index].span)
                }
                failures.append(attempts.count)
            }
            attempts.append(new)
            return retries
        }
    }

    private var groups: [TraceID: [Group: Siblings]] = [:]

    /// Registers a call. `alreadyRetry` is true when the telemetry itself counted retries (such a call is
    /// never reported again). Returns the calls newly found to be retries: this one, later siblings, or both.
    mutating func register(_ span: RawSpan, call: LLMCall, alreadyRetry: Bool) -> [SpanID] {
        let ended = span.endNanos >= span.startNanos && span.endNanos != 0
        let attempt = Attempt(span: span.spanID, startNanos: span.startNanos, endNanos: ended ? span.endNanos : 0,
                              failed: ended && Normalizer.isFailedAttempt(span), isRetry: alreadyRetry)
        let group = Group(parent: span.parentSpanID, provider: call.provider,
                          model: call.requestModel.isEmpty ? call.model : call.requestModel)
        return groups[span.traceID, default: [:]][group, default: Siblings()].add(attempt)
    }

    /// Forgets an evicted trace.
    mutating func forget(_ trace: TraceID) {
        groups[trace] = nil
    }

    /// True when `attempt` started shortly after `failed` ended.
    static func follows(_ attempt: Attempt, after failed: Attempt) -> Bool {
        guard failed.failed, failed.span != attempt.span, failed.startNanos < attempt.startNanos else { return false }
        return failed.endNanos <= attempt.startNanos + clockSlackNanos
            && attempt.startNanos <= failed.endNanos + maxGapNanos
    }
}
