import Semantics
import Store
import CanvasKit
import Views
import Telemetry

/// Hand-built trace summaries and snapshots for view tests.
enum Fixtures {
    /// 2024-05-14 12:04:40 UTC.
    static let now: UInt64 = 1_715_688_280_000_000_000
    static let second: UInt64 = 1_000_000_000

    static func id(_ n: UInt64) -> TraceID { TraceID(high: 0x4bf9_2f35_77b3_4da6, low: n) }

    static func trace(_ n: UInt64, name: String, agent: String? = nil, service: String = "support-bot",
                      startedSecondsAgo: Double, duration: Double, inFlight: Bool = false, llm: Int = 0, tools: Int = 0,
                      input: Int64 = 0, output: Int64 = 0, errors: Int = 0, truncated: Int = 0,
                      cost: Double? = nil, unpriced: Int = 0) -> TraceSummary {
        let start = now - UInt64(startedSecondsAgo * 1e9)
        return TraceSummary(traceID: id(n), rootName: name, agentName: agent, serviceName: service,
                            startNanos: start, endNanos: start + UInt64(duration * 1e9), inFlight: inFlight,
                            spanCount: 1 + llm + tools, llmCalls: llm, toolCalls: tools,
                            usage: TokenUsage(input: input, output: output), errorSpans: errors,
                            truncatedCalls: truncated, isAgentTrace: agent != nil, costUSD: cost,
                            unpricedCalls: unpriced)
    }

    static let typicalTraces: [TraceSummary] = [
        trace(6, name: "invoke_agent research-agent", agent: "research-agent", startedSecondsAgo: 9, duration: 2.1,
              inFlight: true, llm: 3, tools: 2, input: 2_210, output: 502, cost: 0.011),
        trace(5, name: "invoke_agent orchestrator", agent: "orchestrator", startedSecondsAgo: 10, duration: 4.9,
              inFlight: true, llm: 5, tools: 4, input: 4_020, output: 913, cost: 0.021),
        trace(4, name: "invoke_agent research-agent", agent: "research-agent", startedSecondsAgo: 12, duration: 1.2,
              llm: 2, tools: 2, input: 2_152, output: 501, cost: 0.0104),
        trace(3, name: "invoke_agent writer-agent", agent: "writer-agent", startedSecondsAgo: 13, duration: 0.9,
              llm: 1, input: 312, output: 0, errors: 1, cost: 0.001),
        trace(2, name: "chat gpt-4o", service: "batch-summarizer", startedSecondsAgo: 15, duration: 2.0,
              llm: 1, input: 1_840, output: 2_048, truncated: 1, cost: 0.025),
        trace(1, name: "chat my-finetune", service: "batch-summarizer", startedSecondsAgo: 200, duration: 184.2,
              llm: 12, input: 812_000, output: 2_300_000, unpriced: 12),
        trace(0, name: "GET /healthz", service: "gateway", startedSecondsAgo: 320, duration: 0.004),
    ]

    static let counters: IngestCounters = {
        var counters = IngestCounters()
        counters.receivedSpans = 1_843_211
        counters.storedSpans = 1_841_000
        counters.evictedSpans = 2_200
        counters.rejectedSpans = 11
        return counters
    }()

    static func snapshot(_ traces: [TraceSummary], rate: Double = 12.4) -> StoreSnapshot {
        StoreSnapshot(counters: counters, traces: traces, spansPerSecond: rate, takenAtNanos: now, version: 1,
                      burn: BurnSummary(tokensPerSecond: 1_234, dollarsPerHour: 4.2, spentLastHourUSD: 1.3, unpricedCalls: 1),
                      models: models, quality: quality)
    }

    static let models: [ModelSummary] = {
        var models = modelTotals
        for (index, samples) in [[0.6, 0.8, 1.1, 2.1, 3.9], [0.9, 1.1, 1.4, 2.8, 4.4]].enumerated() {
            for (n, seconds) in samples.enumerated() {
                models[index].totals.addSample(durationSeconds: seconds, timeToFirstTokenSeconds: index == 0 ? 0.1 * Double(n + 1) : nil)
            }
        }
        return models
    }()

    private static let modelTotals: [ModelSummary] = [
        ModelSummary(totals: ModelLedger.Entry(provider: "openai", model: "gpt-4o-2024-08-06", calls: 1_204,
                                               usage: TokenUsage(input: 2_100_000, output: 600_000, cacheRead: 400_000),
                                               costUSD: 11.4, pricedCalls: 1_204),
                     minute: UsageWindows.Rates(inputPerSecond: 4_100, outputPerSecond: 1_200, cacheReadPerSecond: 800,
                                                dollarsPerHour: 2.31),
                     dollarsPerHour: 2.31, sparkline: [0, 1, 2, 4, 8, 12, 15, 12, 9, 5, 3, 2, 4, 8, 14, 16, 13, 9,
                                                        5, 3, 1, 0, 0, 2, 6, 10, 14, 12, 8, 4]),
        ModelSummary(totals: ModelLedger.Entry(provider: "anthropic", model: "claude-sonnet-4-20250514", calls: 310,
                                               usage: TokenUsage(input: 900_000, output: 200_000), costUSD: 3.29,
                                               pricedCalls: 310),
                     minute: UsageWindows.Rates(inputPerSecond: 1_900, outputPerSecond: 600, reasoningPerSecond: 120),
                     dollarsPerHour: 0.77, sparkline: [1, 1, 1, 2, 2, 3, 3, 2, 1, 1, 1, 2, 3, 4, 3, 2, 1, 1,
                                                       1, 1, 2, 2, 3, 3, 2, 1, 1, 1, 1, 1]),
        ModelSummary(totals: ModelLedger.Entry(provider: "openai", model: "my-finetune", calls: 12,
                                               usage: TokenUsage(input: 8_000, output: 2_000), unpricedCalls: 12),
                     sparkline: Array(repeating: 0, count: 29) + [3]),
    ]

    static let quality: QualitySummary = {
        var quality = QualitySummary()
        quality.calls = 1_526
        quality.responses = 1_500
        quality.truncated = 105
        quality.retried = 47
        quality.errors = 12
        quality.latency = Percentiles(p50: 0.8, p95: 2.1, p99: 3.9)
        quality.timeToFirstToken = Percentiles(p50: 0.21, p95: 0.45, p99: 0.8)
        return quality
    }()

    static let context = FrameContext(endpoints: ListenEndpoints(grpc: "127.0.0.1:4317", http: "127.0.0.1:4318"))

    /// `count` finished traces, newest first, one second apart.
    static func many(_ count: Int, startingAt first: UInt64 = 1000) -> [TraceSummary] {
        (0..<count).map { i in
            trace(first + UInt64(count - i), name: "chat gpt-4o-mini step \(count - i)", service: "loadgen",
                  startedSecondsAgo: Double(i + 1), duration: 0.5, llm: 1, input: 100, output: 20, cost: 0.0002)
        }
    }
}
