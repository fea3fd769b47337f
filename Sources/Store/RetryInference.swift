import Semantics
import Telemetry
import PackedSpans

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

    /// The calls of each trace that has had a failed attempt. Until one fails no call can be a retry, so
    /// a trace's calls are filed only from its first failure on (`startFollowing` files those stored).
    private var groups: [TraceID: [Group: Siblings]] = [:]

    /// Whether `trace` has had a failed attempt, so that its calls are filed.
    func follows(_ trace: TraceID) -> Bool { groups[trace] != nil }

    /// Files the calls a trace holds when its first failure arrives, in the order they arrived (none of
    /// them failed, and none is a retry unless its telemetry said so).
    mutating func startFollowing(_ trace: TraceID, calls: [(span: PackedSpan, call: LLMCall)]) {
        var filed: [Group: Siblings] = [:]
        for (span, call) in calls {
            _ = filed[Self.group(span.parentSpanID, call), default: Siblings()]
                .add(Self.attempt(span, failed: false, alreadyRetry: call.retries > 0))
        }
        groups[trace] = filed
    }

    /// Registers a call of a followed trace. `alreadyRetry` is true when the telemetry itself counted
    /// retries (such a call is never reported again). Returns the calls newly found to be retries: this
    /// one, later siblings, or both.
    mutating func register(_ span: PackedSpan, call: LLMCall, failed: Bool, alreadyRetry: Bool) -> [SpanID] {
        let attempt = Self.attempt(span, failed: failed, alreadyRetry: alreadyRetry)
        return groups[span.traceID, default: [:]][Self.group(span.parentSpanID, call), default: Siblings()].add(attempt)
    }

    private static func attempt(_ span: PackedSpan, failed: Bool, alreadyRetry: Bool) -> Attempt {
        Attempt(span: span.spanID, startNanos: span.startNanos, endNanos: span.isOpen ? 0 : span.endNanos,
                failed: failed, isRetry: alreadyRetry)
    }

    private static func group(_ parent: SpanID, _ call: LLMCall) -> Group {
        Group(parent: parent, provider: call.provider, model: call.requestModel.isEmpty ? call.model : call.requestModel)
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
