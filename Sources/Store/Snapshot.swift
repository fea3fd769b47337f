import Semantics
import Telemetry

/// Exact ingest accounting. For spans: `receivedSpans == storedSpans + evictedSpans + rejectedSpans`.
public struct IngestCounters: Sendable, Equatable {
    public var receivedSpans: Int = 0
    public var storedSpans: Int = 0
    public var evictedSpans: Int = 0
    public var rejectedSpans: Int = 0
    public var logRecords: Int = 0
    public var rejectedLogRecords: Int = 0
    public var metricPoints: Int = 0
    public var rejectedMetricPoints: Int = 0
    /// Whole requests refused (malformed, too large, wrong content type, unauthenticated).
    public var rejectedRequests: Int = 0
    /// `rejectedRequests` by why they were refused.
    public var refusals: [RefusalKind: Int] = [:]
    /// What the ingest limits cut from stored records.
    public var limitCounts = LimitCounts()
    /// `--forward` upstreams, in the order given.
    public var forwarding: [UpstreamCounters] = []
    /// Estimated bytes the stored spans and their logs keep (what `--max-memory` bounds).
    public var retainedBytes = 0
    /// Sources that have nothing more to give (`stdin ended`, `replay done`), for the header.
    public var endedSources: [String] = []
    /// LLM calls reported twice (two instrumentations of one call), counted once.
    public var duplicateCalls: Int = 0
    /// Coding agents' call events that arrived again (a retrying exporter, a replayed file), counted once.
    public var repeatedEventCalls: Int = 0
    /// The history ledger, when there is one.
    public var history: HistoryStatus?
    public init() {}
}

/// One row of the trace list.
public struct TraceSummary: Sendable, Equatable {
    public var traceID: TraceID
    /// Root span name, or the earliest span's name while the root has not arrived.
    public var rootName: String
    /// Agent name when the trace is an agent trace.
    public var agentName: String?
    public var serviceName: String
    public var startNanos: UInt64
    /// Latest end seen; for in-flight traces, the latest end among arrived spans.
    public var endNanos: UInt64
    /// Children seen, root not yet ended.
    public var inFlight: Bool
    public var spanCount: Int
    public var llmCalls: Int
    public var toolCalls: Int
    public var usage: TokenUsage
    public var errorSpans: Int
    public var truncatedCalls: Int
    public var isAgentTrace: Bool
    /// Computed cost of the priced calls (the telemetry's own cost where no price is known).
    public var costUSD: Double?
    /// Calls with tokens but no price: not in `costUSD`.
    public var unpricedCalls: Int
    public var models: [String]
    public var sessionID: String

    public init(traceID: TraceID, rootName: String, agentName: String? = nil, serviceName: String,
                startNanos: UInt64, endNanos: UInt64, inFlight: Bool = false, spanCount: Int,
                llmCalls: Int = 0, toolCalls: Int = 0, usage: TokenUsage = .zero, errorSpans: Int = 0,
                truncatedCalls: Int = 0, isAgentTrace: Bool = false, costUSD: Double? = nil,
                unpricedCalls: Int = 0, models: [String] = [], sessionID: String = "") {
        self.traceID = traceID
        self.rootName = rootName
        self.agentName = agentName
        self.serviceName = serviceName
        self.startNanos = startNanos
        self.endNanos = endNanos
        self.inFlight = inFlight
        self.spanCount = spanCount
        self.llmCalls = llmCalls
        self.toolCalls = toolCalls
        self.usage = usage
        self.errorSpans = errorSpans
        self.truncatedCalls = truncatedCalls
        self.isAgentTrace = isAgentTrace
        self.costUSD = costUSD
        self.unpricedCalls = unpricedCalls
        self.models = models
        self.sessionID = sessionID
    }

    public var durationNanos: UInt64 { endNanos >= startNanos ? endNanos - startNanos : 0 }
}

/// An immutable view of the store for one frame or one report.
public struct StoreSnapshot: Sendable {
    public var counters: IngestCounters
    /// Every trace row, newest first (by start time), when no `window` was asked for.
    public var traces: [TraceSummary]
    /// The part of the trace list a `TraceQuery` asked for; nil when `traces` holds every row.
    public var window: TraceWindow?
    /// All stored traces.
    public var traceCount: Int { window?.totalTraces ?? traces.count }
    /// Stored traces that are running.
    public var runningTraces: Int { window?.totalRunning ?? traces.reduce(0) { $0 + ($1.inFlight ? 1 : 0) } }
    /// Spans received per second over the last few seconds.
    public var spansPerSecond: Double
    /// Wall-clock time the snapshot was taken (Unix nanoseconds); timers on screen use it.
    public var takenAtNanos: UInt64
    /// Bumped whenever stored content changes, so the UI redraws only when needed.
    public var version: UInt64
    /// Token and cost burn of the last minutes.
    public var burn: BurnSummary
    /// Per model, most expensive first: totals since start, burn rates and a sparkline.
    public var models: [ModelSummary]
    /// The quality signals over every call since start, or over the quality window.
    public var quality: QualitySummary
    /// The windows the rates are averaged over.
    public var windows: WindowSettings
    /// Sessions (coding agents' and apps' conversations), the most recently heard of first.
    public var sessions: [SessionActivity] = []

    public init(counters: IngestCounters = IngestCounters(), traces: [TraceSummary] = [],
                spansPerSecond: Double = 0, takenAtNanos: UInt64 = 0, version: UInt64 = 0,
                burn: BurnSummary = BurnSummary(), models: [ModelSummary] = [],
                quality: QualitySummary = QualitySummary(), windows: WindowSettings = .standard) {
        self.windows = windows
        self.counters = counters
        self.traces = traces
        self.spansPerSecond = spansPerSecond
        self.takenAtNanos = takenAtNanos
        self.version = version
        self.burn = burn
        self.models = models
        self.quality = quality
    }
}

/// Today's spend against the daily budget.
public enum BudgetStatus: Sendable, Equatable {
    case within
    /// At the current pace the budget is reached in this many seconds, before the day ends.
    case projectedOver(secondsLeft: Double)
    case spent
}

/// One model on the main screen.
public struct ModelSummary: Sendable, Equatable {
    public var totals: ModelLedger.Entry
    /// Token rates over the burn window (the last minute unless configured).
    public var minute: UsageWindows.Rates
    /// Spend rate over the cost window (the last five minutes unless configured).
    public var dollarsPerHour: Double
    /// Input + output tokens per `sparklineStepSeconds`, oldest first, ending now.
    public var sparkline: [Int64]

    public static let sparklinePoints = 30
    public static let sparklineStepSeconds = 20

    public init(totals: ModelLedger.Entry, minute: UsageWindows.Rates = .init(), dollarsPerHour: Double = 0,
                sparkline: [Int64] = []) {
        self.totals = totals
        self.minute = minute
        self.dollarsPerHour = dollarsPerHour
        self.sparkline = sparkline
    }
}

/// Truncation, retry and error rates against the alert thresholds, and latency.
public struct QualitySummary: Sendable, Equatable {
    public var calls = 0
    public var responses = 0
    public var truncated = 0
    public var retried = 0
    public var errors = 0
    /// Duration and time to first token over the last five minutes (HDR histograms).
    public var latency = Percentiles()
    public var timeToFirstToken = Percentiles()
    /// The same since start.
    public var latencySinceStart = Percentiles()
    public var timeToFirstTokenSinceStart = Percentiles()
    /// Feedback scores by source: `user feedback` (the `gen_ai.user.feedback.score` metric) and each
    /// `gen_ai.evaluation.name`.
    public var feedback: [FeedbackSource] = []
    /// Firing alerts with their start times.
    public var alerts: [AlertMonitor.Active] = []
    /// The alert thresholds in force.
    public var truncationThreshold = AlertThresholds().truncation
    public var retryThreshold = AlertThresholds().retries
    /// Off unless configured.
    public var errorThreshold: Double?
    /// The window the rates cover; nil: since start.
    public var window: UsageWindows.Window?

    public struct FeedbackSource: Sendable, Equatable {
        public var name: String
        public var feedback: Feedback
        public init(name: String, feedback: Feedback) {
            self.name = name
            self.feedback = feedback
        }
    }

    public init() {}

    /// Share of responses cut off by the token limit (finish reason `length`); alert above 5 %.
    public var truncationRate: Double? { responses > 0 ? Double(truncated) / Double(responses) : nil }
    /// Share of calls retried; alert above 10 %.
    public var retryRate: Double? { calls > 0 ? Double(retried) / Double(calls) : nil }
    public var errorRate: Double? { calls > 0 ? Double(errors) / Double(calls) : nil }
}

/// The burn figures the header shows, taken from `UsageWindows` when a snapshot is made.
public struct BurnSummary: Sendable, Equatable {
    /// Input + output tokens per second over the burn window (the last minute unless configured).
    public var tokensPerSecond: Double
    /// Spend rate over the cost window (the last five minutes unless configured), in USD per hour.
    public var dollarsPerHour: Double
    /// Computed cost of the calls that arrived in the last hour.
    public var spentLastHourUSD: Double
    /// Calls in the last hour that had tokens but no price (not in the dollar figures).
    public var unpricedCalls: Int
    /// Computed spend since local midnight.
    public var spentTodayUSD: Double
    /// Today's spend plus the rest of the day at the last hour's pace.
    public var projectedTodayUSD: Double
    /// Spend rate over the last hour, in USD per hour (the projection's pace).
    public var hourlyPaceUSD: Double

    public init(tokensPerSecond: Double = 0, dollarsPerHour: Double = 0, spentLastHourUSD: Double = 0,
                unpricedCalls: Int = 0, spentTodayUSD: Double = 0, projectedTodayUSD: Double = 0,
                hourlyPaceUSD: Double = 0) {
        self.tokensPerSecond = tokensPerSecond
        self.dollarsPerHour = dollarsPerHour
        self.spentLastHourUSD = spentLastHourUSD
        self.unpricedCalls = unpricedCalls
        self.spentTodayUSD = spentTodayUSD
        self.projectedTodayUSD = projectedTodayUSD
        self.hourlyPaceUSD = hourlyPaceUSD
    }

    /// Where today's spend stands against a daily budget.
    public func budgetStatus(dailyBudgetUSD budget: Double) -> BudgetStatus {
        if spentTodayUSD >= budget { return .spent }
        guard projectedTodayUSD >= budget, hourlyPaceUSD > 0 else { return .within }
        return .projectedOver(secondsLeft: (budget - spentTodayUSD) / hourlyPaceUSD * 3600)
    }

    init(_ windows: UsageWindows, settings: WindowSettings, nowNanos: UInt64) {
        let tokens = windows.rates(window: settings.burn, nowNanos: nowNanos)
        let hour = windows.usage(window: .oneHour, nowNanos: nowNanos)
        self.init(tokensPerSecond: tokens.inputPerSecond + tokens.outputPerSecond,
                  dollarsPerHour: windows.rates(window: settings.cost, nowNanos: nowNanos).dollarsPerHour,
                  spentLastHourUSD: hour.costUSD, unpricedCalls: hour.unpricedCalls)
    }
}
