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
        // Positions rather than copies of spans: a row is summarized for every trace that changed.
        var root: Int?
        var earliest: Int?
        var cost: Double? = nil
        var unpriced = 0
        let spans = entry.spans
        for index in spans.indices {
            let startNanos = spans[index].packed.startNanos, endNanos = spans[index].packed.endNanos
            if startNanos < start { start = startNanos; earliest = index }
            if !spans[index].packed.isOpen { end = max(end, endNanos) }
            let isRoot = spans[index].packed.parentSpanID.isZero
            if isRoot, root == nil { root = index }
            if spans[index].packed.statusCode == .error { errors += 1 }
            let role = spans[index].role
            if Normalizer.marksAgentTrace(role) { isAgent = true }
            switch role {
            case .llm where spans[index].duplicateOf != nil:
                break  // The same call is counted under its other report.
            case .llm(let call):
                llmCalls += 1
                usage += call.usage
                if call.isTruncated { truncated += 1 }
                if !call.model.isEmpty, !models.contains(call.model) { models.append(call.model) }
                if let computed = spans[index].cost {
                    cost = (cost ?? 0) + computed.usd
                } else if let reported = call.reportedCostUSD {
                    cost = (cost ?? 0) + reported
                } else if call.hasUsage && !call.usage.isZero {
                    unpriced += 1
                }
            case .tool: toolCalls += 1
            case .agent(let run):
                // The outermost agent names the trace.
                if agentName == nil || isRoot { agentName = run.name }
            default: break
            }
        }
        let named = (root ?? earliest).map { spans[$0].packed }
        let lastArrival = entry.lastArrivalNanos
        let rootOpen = root.map { spans[$0].isOpen } ?? true
        let recent = nowNanos == 0 || nowNanos < lastArrival || nowNanos - lastArrival < inFlightTimeoutNanos
        return TraceSummary(
            traceID: entry.id,
            rootName: named?.name ?? "",
            agentName: isAgent ? agentName : nil,
            serviceName: named?.origin.serviceName ?? "",
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
