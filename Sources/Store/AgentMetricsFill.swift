import Semantics

/// Coding agents' own token and cost metrics, read for the models no span or log event reported a
/// call of (metrics fill in, they are never added to what events and spans said). Each CLI names its
/// token kinds its own way; the totals are put in tokentop's convention (input includes cache reads
/// and writes, output includes reasoning).
extension MetricsFill {
    private struct AgentTokenMetric: Sendable {
        var name: String
        var typeKey: String
        var provider: String
        /// Adds one series' tokens of the given kind to a model's totals.
        var add: @Sendable (_ kind: String, _ tokens: Int64, _ usage: inout TokenUsage) -> Void
    }

    private static let tokenMetrics: [AgentTokenMetric] = [
        // Claude Code: input excludes the cache tokens, sent as kinds of their own.
        AgentTokenMetric(name: "claude_code.token.usage", typeKey: "type", provider: "anthropic") { kind, tokens, usage in
            switch kind {
            case "input": usage.input += tokens
            case "output": usage.output += tokens
            case "cacheRead": usage.cacheRead += tokens; usage.input += tokens
            case "cacheCreation": usage.cacheWrite += tokens; usage.input += tokens
            default: break
            }
        },
        // Codex: input includes cached, output includes reasoning; `total` is their sum.
        AgentTokenMetric(name: "codex.turn.token_usage", typeKey: "token_type", provider: "openai") { kind, tokens, usage in
            switch kind {
            case "input": usage.input += tokens
            case "cached_input": usage.cacheRead += tokens
            case "cache_write_input": usage.cacheWrite += tokens
            case "output": usage.output += tokens
            case "reasoning_output": usage.reasoning += tokens
            default: break
            }
        },
        // Gemini CLI: input includes cached; thoughts and tool-use prompt tokens come beside output and input.
        AgentTokenMetric(name: "gemini_cli.token.usage", typeKey: "type", provider: "google") { kind, tokens, usage in
            switch kind {
            case "input": usage.input += tokens
            case "output": usage.output += tokens
            case "thought": usage.reasoning += tokens; usage.output += tokens
            case "cache": usage.cacheRead += tokens
            case "tool": usage.input += tokens
            default: break
            }
        },
    ]

    /// Counters of requests, by model, that give the number of calls.
    private static let requestCounters = ["codex.api_request", "gemini_cli.api.request.count"]
    private static let costCounters = ["claude_code.cost.usage"]

    static func codingAgentModels(_ metrics: MetricSeriesStore, excluding covered: Set<String>,
                                  pricing: CallPricing) -> [ModelTotals] {
        func isCovered(_ s: MetricSeries, model: String) -> Bool { covered.contains(s.serviceName + "\u{0}" + model) }
        var byModel: [String: ModelTotals] = [:]
        func key(_ s: MetricSeries, provider: String) -> String? {
            guard let model = s.attribute("model"), !model.isEmpty, !isCovered(s, model: model) else { return nil }
            if byModel[model] == nil {
                var totals = ModelTotals(provider: provider, model: model)
                totals.fromMetrics = true
                byModel[model] = totals
            }
            return model
        }
        for metric in tokenMetrics {
            for s in metrics.named(metric.name) {
                guard let model = key(s, provider: metric.provider), let kind = s.attribute(metric.typeKey) else { continue }
                let tokens = Int64((s.kind == .histogram ? s.sum : s.value).rounded())
                metric.add(kind, tokens, &byModel[model]!.usage)
            }
        }
        for name in costCounters {
            for s in metrics.named(name) where s.kind == .sum {
                guard let model = s.attribute("model"), byModel[model] != nil, !isCovered(s, model: model) else { continue }
                byModel[model]!.reportedCostUSD = (byModel[model]!.reportedCostUSD ?? 0) + s.value
            }
        }
        for name in requestCounters {
            for s in metrics.named(name) where s.kind == .sum {
                guard let model = s.attribute("model"), byModel[model] != nil, !isCovered(s, model: model) else { continue }
                let failed = s.attribute("success") == "false" || (s.attribute("status").flatMap { Int($0) } ?? 200) >= 400
                    || (s.attribute("status_code").flatMap { Int($0) } ?? 200) >= 400
                if !failed { byModel[model]!.calls += Int(s.value) }
            }
        }
        return byModel.values.filter { !$0.usage.isZero || $0.reportedCostUSD != nil }.map { priced($0, pricing: pricing) }
    }
}
