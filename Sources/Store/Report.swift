import Semantics
import Telemetry

/// Per provider + model totals.
public struct ModelTotals: Sendable, Equatable {
    public var provider: String
    public var model: String
    public var calls = 0
    public var usage = TokenUsage.zero
    public var costUSD: Double?
    public var unpricedCalls = 0
    public var reportedCostUSD: Double?
    public var priceRule: String?
    /// True when these numbers come from metrics because no span carried usage.
    public var fromMetrics = false
    /// Calls known from coding agents' log events alone (no span of theirs is stored).
    public var eventCalls = 0
    /// Since start, from the HDR histograms (none for models known from metrics only).
    public var latency = Percentiles()
    public var timeToFirstToken = Percentiles()

    public init(provider: String, model: String) {
        self.provider = provider
        self.model = model
    }

    /// Where the numbers come from: `spans`, `events` (coding agents' log events, no span), or `metrics`.
    public var source: String {
        fromMetrics ? "metrics" : calls > 0 && eventCalls == calls ? "events" : "spans"
    }
}

public struct Percentiles: Sendable, Equatable {
    public var p50: Double?
    public var p95: Double?
    public var p99: Double?
    public init(p50: Double? = nil, p95: Double? = nil, p99: Double? = nil) {
        self.p50 = p50
        self.p95 = p95
        self.p99 = p99
    }

    /// Nearest-rank percentiles of exact samples.
    public init(samples: [Double]) {
        guard !samples.isEmpty else { self.init(); return }
        let sorted = samples.sorted()
        func rank(_ q: Double) -> Double {
            let index = Int((q * Double(sorted.count)).rounded(.up)) - 1
            return sorted[min(max(index, 0), sorted.count - 1)]
        }
        self.init(p50: rank(0.50), p95: rank(0.95), p99: rank(0.99))
    }
}

public struct Alert: Sendable, Equatable {
    public var name: String
    public var value: Double
    public var threshold: Double
    /// When the live monitor saw it start (Unix nanoseconds of arrival), if it did.
    public var sinceNanos: UInt64?
}

/// Feedback scores: `gen_ai.user.feedback.score` histograms and `gen_ai.evaluation.result` events.
public struct Feedback: Sendable, Equatable {
    /// Feedback items: histogram observations and evaluation results.
    public var count: UInt64 = 0
    /// Of those, the ones with a numeric score, and their sum.
    public var scored: UInt64 = 0
    public var sum: Double = 0
    /// Bucket → count, in bucket order: `le_N`/`gt_N` for histogram buckets (upper bound N), the label
    /// or the score for evaluation results.
    public var histogram: [(String, UInt64)] = []
    public var mean: Double? { scored == 0 ? nil : sum / Double(scored) }

    public init() {}

    public static func == (a: Feedback, b: Feedback) -> Bool {
        a.count == b.count && a.scored == b.scored && a.sum == b.sum && a.histogram.map(\.0) == b.histogram.map(\.0)
            && a.histogram.map(\.1) == b.histogram.map(\.1)
    }
}

/// Calls, tokens/s and $/h over one sliding window.
public struct WindowBurn: Sendable, Equatable {
    public var window: UsageWindows.Window
    public var calls: Int
    public var rates: UsageWindows.Rates
}

/// Latency percentiles of one operation (`chat`, `text_completion`, `embeddings`, …) over all models.
public struct OperationLatency: Sendable, Equatable {
    public var operation: String
    /// Calls with a duration.
    public var calls: Int
    public var latency: Percentiles
    public var timeToFirstToken: Percentiles
}

/// The summary printed by `tokentop report` and by the headless server on exit.
public struct Report: Sendable {
    public var counters: IngestCounters
    public var traces = 0
    public var spans = 0
    public var agentRuns = 0
    public var llmCalls = 0
    public var toolCalls = 0
    /// Tool calls a coding agent rejected (its permission rules or the user), and ones that failed.
    public var rejectedToolCalls = 0
    public var failedToolCalls = 0
    public var errorSpans = 0
    /// LLM calls reported by two instrumentations, counted once.
    public var duplicateCalls = 0
    public var models: [ModelTotals] = []
    public var finishReasons: [String: Int] = [:]
    public var truncationRate = 0.0
    public var retryRate = 0.0
    public var errorRate = 0.0
    public var feedback = Feedback()
    public var latency = Percentiles()
    public var timeToFirstToken = Percentiles()
    /// Latency per operation (`gen_ai.operation.name`), all models.
    public var operations: [OperationLatency] = []
    /// Feedback per evaluation name (`gen_ai.evaluation.result` events).
    public var evaluations: [(name: String, feedback: Feedback)] = []
    public var alerts: [Alert] = []
    /// Spend by service, by session and by agent.
    public var services: [CostGroup] = []
    public var sessions: [CostGroup] = []
    public var agents: [CostGroup] = []
    /// Burn over each configured window when the summary was taken live (the headless server); empty
    /// for files, whose calls all arrive at once.
    public var burn: [WindowBurn] = []

    /// `nowNanos`: the moment a live summary is taken, for the windowed burn.
    public init(store: borrowing TraceStore, nowNanos: UInt64? = nil) {
        counters = store.counters
        traces = store.traces.count
        // Calls, models, finish reasons, quality and spend: the totals every counted call fed, whichever
        // signal reported it. The stored traces give their structure: spans, agents, tools, duplicates.
        let totals = store.callTotals
        var byModel: [String: ModelTotals] = [:]
        var order: [String] = []
        for key in totals.order {
            guard let model = totals.models[key], model.calls > 0 else { continue }
            byModel[key.provider + "\u{0}" + key.model] = model
            order.append(key.provider + "\u{0}" + key.model)
        }
        llmCalls = totals.calls
        finishReasons = totals.finishReasons.filter { $0.value > 0 }
        let responses = totals.responses, truncated = totals.truncated, retried = totals.retried, failed = totals.failed
        let modelsWithSpanUsage = Set(totals.covered.map { $0.service + "\u{0}" + $0.model })
        var spanToolCalls = Set<String>()
        duplicateCalls = store.counters.repeatedEventCalls
        var breakdowns = CostBreakdowns()
        for entry in store.traces.values {
            breakdowns.add(entry)
            for span in entry.spans {
                spans += 1
                if span.isError { errorSpans += 1 }
                switch span.role {
                case .agent: agentRuns += 1
                case .tool(let tool):
                    toolCalls += 1
                    if !tool.callID.isEmpty { spanToolCalls.insert(tool.callID) }
                    if span.isError { failedToolCalls += 1 }
                case .llm where span.duplicateOf != nil:
                    duplicateCalls += 1
                default: break
                }
            }
        }
        // Tool calls coding agents reported as events (decision and result), unless a span reported them.
        for session in store.sessions.sessions.values {
            for event in session.timeline {
                guard case .tool(let use) = event.kind else { continue }
                if use.isRejected { rejectedToolCalls += 1 }
                guard event.callID.isEmpty || !spanToolCalls.contains(event.callID) else { continue }
                toolCalls += 1
                if use.isFailed { failedToolCalls += 1 }
            }
        }
        if responses > 0 { truncationRate = Double(truncated) / Double(responses) }
        if llmCalls > 0 {
            retryRate = Double(retried) / Double(llmCalls)
            errorRate = Double(failed) / Double(llmCalls)
        }
        // Latency since start, from the HDR histograms the store keeps as calls arrive.
        let book = store.latencies
        latency = book.overall.duration.percentiles
        if book.overall.duration.count == 0 {
            // No span durations (a metrics-only setup): estimate from the duration histograms instead.
            latency = MetricsFill.durationPercentiles(store.metrics)
        }
        timeToFirstToken = book.overall.timeToFirstToken.percentiles
        for key in byModel.keys {
            let totals = byModel[key]!
            let pair = book.merged { $0.provider == totals.provider && $0.model == totals.model }
            byModel[key]!.latency = pair.duration.percentiles
            byModel[key]!.timeToFirstToken = pair.timeToFirstToken.percentiles
        }
        operations = Set(book.sinceStart.keys.map(\.operation)).sorted().map { operation in
            let pair = book.merged { $0.operation == operation }
            return OperationLatency(operation: operation, calls: Int(pair.duration.count),
                                    latency: pair.duration.percentiles, timeToFirstToken: pair.timeToFirstToken.percentiles)
        }

        let fromMetrics = MetricsFill(store.metrics, excluding: modelsWithSpanUsage, pricing: store.pricing)
        for totals in fromMetrics.models {
            let key = totals.provider + "\u{0}" + totals.model
            if byModel[key] == nil { order.append(key) }
            byModel[key] = totals
        }
        var truncationSample = responses, retrySample = llmCalls
        if llmCalls == 0, fromMetrics.responses > 0 {
            truncationSample = fromMetrics.responses
            retrySample = fromMetrics.responses
            finishReasons = fromMetrics.finishReasons
            truncationRate = Double(fromMetrics.finishReasons["length", default: 0]) / Double(fromMetrics.responses)
            retryRate = fromMetrics.retries / Double(fromMetrics.responses)
        }
        feedback = fromMetrics.feedback
        feedback.merge(store.feedback.total)
        evaluations = store.feedback.byName.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        models = order.compactMap { byModel[$0] }.sorted {
            ($0.usage.input + $0.usage.output, $1.model) > ($1.usage.input + $1.usage.output, $0.model)
        }
        services = CostBreakdowns.sorted(CostBreakdowns.spend(totals.services, traces: breakdowns.serviceTraces))
        sessions = CostBreakdowns.sorted(CostBreakdowns.spend(totals.sessions, traces: breakdowns.sessionTraces))
        agents = CostBreakdowns.sorted(breakdowns.agents)
        let since = Dictionary(store.alerts.active.map { ($0.name, $0.sinceNanos) }, uniquingKeysWith: min)
        let truncationThreshold = store.alerts.threshold("truncation") ?? AlertThresholds().truncation
        let retryThreshold = store.alerts.threshold("retries") ?? AlertThresholds().retries
        // As live: a handful of calls says nothing yet (one truncation in eight is not a trend).
        let minimum = store.alerts.rules.first?.minimumCalls ?? 20
        if truncationRate > truncationThreshold, truncationSample >= minimum {
            alerts.append(Alert(name: "truncation", value: truncationRate, threshold: truncationThreshold,
                                sinceNanos: since["truncation"]))
        }
        if retryRate > retryThreshold, retrySample >= minimum {
            alerts.append(Alert(name: "retries", value: retryRate, threshold: retryThreshold,
                                sinceNanos: since["retries"]))
        }
        if let errorThreshold = store.alerts.threshold("errors"), errorRate > errorThreshold, llmCalls >= minimum {
            alerts.append(Alert(name: "errors", value: errorRate, threshold: errorThreshold, sinceNanos: since["errors"]))
        }
        if let nowNanos {
            burn = store.windowSettings.windows.map { window in
                WindowBurn(window: window, calls: store.windows.usage(window: window, nowNanos: nowNanos).calls,
                           rates: store.windows.rates(window: window, nowNanos: nowNanos))
            }
        }
    }

    /// Costs are sums of many small products; rounded to the nano-dollar they print the same whatever
    /// order the calls were added in.
    static func nanoDollars(_ usd: Double) -> Double { (usd * 1e9).rounded() / 1e9 }

    public var json: JSON {
        func groups(_ list: [CostGroup], key: String, countKey: String) -> JSON {
            .array(list.map { g in
                .object([(key, .string(g.name)), (countKey, .int(Int64(g.count))), ("llm_calls", .int(Int64(g.llmCalls))),
                         ("input_tokens", .int(g.usage.input)), ("output_tokens", .int(g.usage.output)),
                         ("cost_usd", .double(Self.nanoDollars(g.costUSD))), ("unpriced_calls", .int(Int64(g.unpricedCalls)))])
            })
        }
        func percentiles(_ p: Percentiles) -> JSON {
            .object([("p50", .number(p.p50)), ("p95", .number(p.p95)), ("p99", .number(p.p99))])
        }
        func feedbackJSON(_ f: Feedback) -> [(String, JSON)] {
            [("count", .int(Int64(f.count))), ("mean", .number(f.mean)),
             ("histogram", .object(f.histogram.map { ($0.0, .int(Int64($0.1))) }))]
        }
        let historyJSON: JSON = counters.history.map(Self.historyJSON) ?? .null
        return .object([
            ("ingest", .object([
                ("received_spans", .int(Int64(counters.receivedSpans))),
                ("stored_spans", .int(Int64(counters.storedSpans))),
                ("evicted_spans", .int(Int64(counters.evictedSpans))),
                ("rejected_spans", .int(Int64(counters.rejectedSpans))),
                ("log_records", .int(Int64(counters.logRecords))),
                ("metric_points", .int(Int64(counters.metricPoints))),
                ("rejected_requests", .int(Int64(counters.rejectedRequests))),
                ("retained_bytes", .int(Int64(counters.retainedBytes))),
                ("refused_requests", .object(RefusalKind.allCases.map { ($0.rawValue, .int(Int64(counters.refusals[$0] ?? 0))) })),
                ("limited", .object([
                    ("dropped_attributes", .int(Int64(counters.limitCounts.droppedAttributes))),
                    ("dropped_events", .int(Int64(counters.limitCounts.droppedEvents))),
                    ("dropped_links", .int(Int64(counters.limitCounts.droppedLinks))),
                    ("cut_values", .int(Int64(counters.limitCounts.cutValues))),
                ])),
            ])),
            ("forward", .array(counters.forwarding.map { upstream in
                .object([("target", .string(upstream.target)), ("sent_requests", .int(Int64(upstream.sentRequests))),
                         ("failed_requests", .int(Int64(upstream.failedRequests))),
                         ("dropped_requests", .int(Int64(upstream.droppedRequests))),
                         ("retries", .int(Int64(upstream.retries))), ("queued_requests", .int(Int64(upstream.pendingRequests))),
                         ("last_error", upstream.lastError.map { .string($0) } ?? .null)])
            })),
            ("history", historyJSON),
            ("traces", .int(Int64(traces))),
            ("spans", .int(Int64(spans))),
            ("agent_runs", .int(Int64(agentRuns))),
            ("llm_calls", .int(Int64(llmCalls))),
            ("tool_calls", .int(Int64(toolCalls))),
            ("rejected_tool_calls", .int(Int64(rejectedToolCalls))),
            ("failed_tool_calls", .int(Int64(failedToolCalls))),
            ("error_spans", .int(Int64(errorSpans))),
            ("duplicate_calls", .int(Int64(duplicateCalls))),
            ("models", .array(models.map { m in
                .object([
                    ("provider", .string(m.provider)),
                    ("model", .string(m.model)),
                    ("calls", .int(Int64(m.calls))),
                    ("input_tokens", .int(m.usage.input)),
                    ("output_tokens", .int(m.usage.output)),
                    ("cache_read_tokens", .int(m.usage.cacheRead)),
                    ("cache_write_tokens", .int(m.usage.cacheWrite)),
                    ("reasoning_tokens", .int(m.usage.reasoning)),
                    ("cost_usd", .number(m.costUSD.map(Self.nanoDollars))),
                    ("unpriced_calls", .int(Int64(m.unpricedCalls))),
                    ("reported_cost_usd", .number(m.reportedCostUSD.map(Self.nanoDollars))),
                    ("price_rule", m.priceRule.map(JSON.string) ?? .null),
                    ("source", .string(m.source)),
                    ("latency_s", percentiles(m.latency)),
                    ("ttft_s", percentiles(m.timeToFirstToken)),
                ])
            })),
            ("finish_reasons", .object(finishReasons.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) })),
            ("quality", .object([
                ("truncation_rate", .double(truncationRate)),
                ("retry_rate", .double(retryRate)),
                ("error_rate", .double(errorRate)),
                ("feedback", .object(feedbackJSON(feedback) + [
                    ("evaluations", .array(evaluations.map { .object([("name", .string($0.name))] + feedbackJSON($0.feedback)) })),
                ])),
            ])),
            ("latency_s", percentiles(latency)),
            ("ttft_s", percentiles(timeToFirstToken)),
            ("operations", .array(operations.map { o in
                .object([("operation", .string(o.operation)), ("calls", .int(Int64(o.calls))),
                         ("latency_s", percentiles(o.latency)), ("ttft_s", percentiles(o.timeToFirstToken))])
            })),
            ("services", groups(services, key: "service", countKey: "traces")),
            ("sessions", groups(sessions, key: "session", countKey: "traces")),
            ("agents", groups(agents, key: "agent", countKey: "runs")),
            ("burn", .array(burn.map { b in
                .object([("window", .string(b.window.label)), ("seconds", .int(Int64(b.window.seconds))),
                         ("calls", .int(Int64(b.calls))),
                         ("input_tokens_per_s", .double(b.rates.inputPerSecond)),
                         ("output_tokens_per_s", .double(b.rates.outputPerSecond)),
                         ("usd_per_hour", .double(Self.nanoDollars(b.rates.dollarsPerHour))),
                         ("unpriced_calls", .int(Int64(b.rates.unpricedCalls)))])
            })),
            ("alerts", .array(alerts.map {
                .object([("name", .string($0.name)), ("value", .double($0.value)), ("threshold", .double($0.threshold)),
                         ("since_unix_nano", $0.sinceNanos.map { .int(Int64($0)) } ?? .null)])
            })),
        ])
    }

    /// The history ledger: where, how, and what was written and not.
    static func historyJSON(_ h: HistoryStatus) -> JSON {
        .object([("file", .string(h.path)), ("mode", .string(h.mode.rawValue)),
                 ("written_calls", .int(Int64(h.writtenCalls))), ("written_tool_calls", .int(Int64(h.writtenTools))),
                 ("pending", .int(Int64(h.pending))), ("unwritten", .int(Int64(h.unwritten))),
                 ("problem", h.problem.map { .string($0) } ?? .null)])
    }
}

/// Totals taken from GenAI metrics for the models no span reported usage for (spans win; the two
/// are never added).
struct MetricsFill {
    var models: [ModelTotals] = []
    var finishReasons: [String: Int] = [:]
    var responses = 0
    var retries = 0.0
    var feedback = Feedback()

    init(_ metrics: MetricSeriesStore, excluding covered: Set<String>, pricing: CallPricing = .none) {
        func model(_ s: MetricSeries) -> String {
            s.attribute("gen_ai.response.model") ?? s.attribute("gen_ai.request.model") ?? ""
        }
        func provider(_ s: MetricSeries) -> String {
            (s.attribute("gen_ai.provider.name") ?? s.attribute("gen_ai.system") ?? "").lowercased()
        }
        func isCovered(_ s: MetricSeries) -> Bool {
            let service = s.attribute("service.name") ?? s.serviceName
            return [s.attribute("gen_ai.response.model"), s.attribute("gen_ai.request.model")]
                .compactMap { $0 }.contains { covered.contains(service + "\u{0}" + $0) || covered.contains(s.serviceName + "\u{0}" + $0) }
        }
        var byModel: [String: ModelTotals] = [:]
        var callsByModel: [String: Int] = [:]
        for s in metrics.named("gen_ai.response.finish_reasons") where s.kind == .sum && !isCovered(s) {
            let reason = Normalizer.normalizedFinishReason(s.attribute("gen_ai.response.finish_reason") ?? "")
            finishReasons[reason, default: 0] += Int(s.value)
            responses += Int(s.value)
            callsByModel[provider(s) + "\u{0}" + model(s), default: 0] += Int(s.value)
        }
        for s in metrics.named("gen_ai.client.token.usage") where !isCovered(s) {
            let key = provider(s) + "\u{0}" + model(s)
            if byModel[key] == nil {
                var totals = ModelTotals(provider: provider(s), model: model(s).isEmpty ? "(none)" : model(s))
                totals.fromMetrics = true
                byModel[key] = totals
            }
            let tokens = Int64((s.kind == .sum ? s.value : s.sum).rounded())
            switch s.attribute("gen_ai.token.type") {
            case "input": byModel[key]!.usage.input += tokens
                if s.kind != .sum { byModel[key]!.calls += Int(s.count) }
            case "output": byModel[key]!.usage.output += tokens
            default: break
            }
        }
        // The seed's cost counter: 1 millicent = 1e-5 USD.
        for s in metrics.named("gen_ai.client.cost.millicents") where s.kind == .sum && !isCovered(s) {
            let key = provider(s) + "\u{0}" + model(s)
            guard byModel[key] != nil else { continue }
            byModel[key]!.reportedCostUSD = (byModel[key]!.reportedCostUSD ?? 0) + s.value / 100_000
        }
        for (key, calls) in callsByModel where byModel[key] != nil && byModel[key]!.calls == 0 {
            byModel[key]!.calls = calls
        }
        for s in metrics.named("gen_ai.client.retries") where s.kind == .sum { retries += s.value }
        feedback = Self.userFeedback(metrics)
        models = byModel.values.map { Self.priced($0, pricing: pricing) }
            + Self.codingAgentModels(metrics, excluding: covered, pricing: pricing)
    }

    /// The `gen_ai.user.feedback.score` histograms added together.
    static func userFeedback(_ metrics: MetricSeriesStore) -> Feedback {
        var feedback = Feedback()
        // Bounds come from telemetry: only whole numbers that fit Int64 lose their ".0".
        func trim(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e18 ? String(Int64(d)) : String(d) }
        for s in metrics.named("gen_ai.user.feedback.score") where s.kind == .histogram {
            feedback.count = saturatingSum(feedback.count, s.count)
            feedback.scored = saturatingSum(feedback.scored, s.count)
            feedback.sum += s.sum
            for (i, c) in s.bucketCounts.enumerated() where c > 0 {
                let label = i < s.bounds.count ? "le_" + trim(s.bounds[i]) : "gt_" + trim(s.bounds.last ?? 0)
                feedback.add(bucket: label, count: c)
            }
        }
        return feedback
    }

    /// `gen_ai.client.operation.duration` histograms that share the most common bucket layout, added
    /// together and read the way `histogram_quantile` reads them.
    static func durationPercentiles(_ metrics: MetricSeriesStore) -> Percentiles {
        let series = metrics.named("gen_ai.client.operation.duration").filter { $0.kind == .histogram && $0.count > 0 }
        let layouts = Dictionary(grouping: series, by: \.bounds)
        guard let (bounds, group) = layouts.max(by: { $0.value.count < $1.value.count }) else { return Percentiles() }
        var counts = [UInt64](repeating: 0, count: bounds.count + 1)
        for s in group where s.bucketCounts.count == counts.count {
            for index in counts.indices { counts[index] += s.bucketCounts[index] }
        }
        return HistogramQuantile.percentiles(bounds: bounds, counts: counts)
    }

    /// Metrics give totals, not calls, and tiered prices apply per call: the average call is priced
    /// and multiplied by the number of calls; the tokens the integer average leaves over are priced as
    /// one more small call.
    static func priced(_ totals: ModelTotals, pricing: CallPricing) -> ModelTotals {
        var totals = totals
        guard !totals.usage.isZero else { return totals }
        let calls = Int64(max(totals.calls, 1))
        let u = totals.usage
        let average = TokenUsage(input: u.input / calls, output: u.output / calls, cacheRead: u.cacheRead / calls,
                                 cacheWrite: u.cacheWrite / calls, reasoning: u.reasoning / calls)
        let rest = TokenUsage(input: u.input - average.input * calls, output: u.output - average.output * calls,
                              cacheRead: u.cacheRead - average.cacheRead * calls,
                              cacheWrite: u.cacheWrite - average.cacheWrite * calls,
                              reasoning: u.reasoning - average.reasoning * calls)
        func price(_ usage: TokenUsage) -> PricedCost? {
            usage.isZero ? PricedCost(usd: 0, rule: "")
                : pricing.price(LLMCall(provider: totals.provider, requestModel: totals.model, usage: usage,
                                        hasUsage: true), 0)
        }
        guard let each = price(average), let leftover = price(rest) else {
            totals.unpricedCalls = totals.calls
            return totals
        }
        totals.costUSD = each.usd * Double(calls) + leftover.usd
        totals.priceRule = (each.rule.isEmpty ? leftover.rule : each.rule) + " (from metrics)"
        return totals
    }
}
