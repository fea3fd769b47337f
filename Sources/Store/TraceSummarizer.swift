import Semantics

/// Builds the trace-list row of one trace.
enum TraceSummarizer {
    static func summarize(_ entry: TraceEntry, nowNanos: UInt64, inFlightTimeoutNanos: UInt64) -> TraceSummary {
        var start = UInt64.max, end: UInt64 = 0
        var llmCalls = 0, toolCalls = 0, errors = 0, truncated = 0
        var usage = TokenUsage.zero
        var isAgent = false
        var agentName: String?
        var models: [String] = []
        var root: StoredSpan?
        var earliest: StoredSpan?
        var cost: Double? = nil
        var unpriced = 0
        for span in entry.spans {
            let packed = span.packed
            if packed.startNanos < start { start = packed.startNanos; earliest = span }
            if !span.isOpen { end = max(end, packed.endNanos) }
            if span.isRoot, root == nil { root = span }
            if span.isError { errors += 1 }
            if Normalizer.marksAgentTrace(span.role) { isAgent = true }
            switch span.role {
            case .llm where span.duplicateOf != nil:
                break  // The same call is counted under its other report.
            case .llm(let call):
                llmCalls += 1
                usage += call.usage
                if call.isTruncated { truncated += 1 }
                if !call.model.isEmpty, !models.contains(call.model) { models.append(call.model) }
                if let computed = span.cost {
                    cost = (cost ?? 0) + computed.usd
                } else if let reported = call.reportedCostUSD {
                    cost = (cost ?? 0) + reported
                } else if call.hasUsage && !call.usage.isZero {
                    unpriced += 1
                }
            case .tool: toolCalls += 1
            case .agent(let run):
                // The outermost agent names the trace.
                if agentName == nil || span.isRoot { agentName = run.name }
            default: break
            }
        }
        let named = root ?? earliest
        let lastArrival = entry.lastArrivalNanos
        let rootOpen = root.map(\.isOpen) ?? true
        let recent = nowNanos == 0 || nowNanos < lastArrival || nowNanos - lastArrival < inFlightTimeoutNanos
        return TraceSummary(
            traceID: entry.id,
            rootName: named?.packed.name ?? "",
            agentName: isAgent ? agentName : nil,
            serviceName: named?.packed.origin.serviceName ?? "",
            startNanos: start == .max ? 0 : start,
            endNanos: max(end, start == .max ? 0 : start),
            inFlight: rootOpen && recent,
            spanCount: entry.spans.count,
            llmCalls: llmCalls,
            toolCalls: toolCalls,
            usage: usage,
            errorSpans: errors,
            truncatedCalls: truncated,
            isAgentTrace: isAgent,
            costUSD: cost,
            unpricedCalls: unpriced,
            models: models,
            sessionID: entry.sessionID)
    }
}
