import Semantics

/// Running totals per model since tokentop started (eviction does not take them back), kept as calls
/// are stored so the screen never scans the store for them.
public struct ModelLedger: Sendable {
    /// One model's totals.
    public struct Entry: Sendable, Equatable {
        public var provider: String
        public var model: String
        public var calls = 0
        public var usage = TokenUsage.zero
        public var costUSD = 0.0
        public var pricedCalls = 0
        /// Calls with tokens but no price: not in `costUSD`.
        public var unpricedCalls = 0
        /// Calls that reported finish reasons, and of those the truncated ones.
        public var responses = 0
        public var truncated = 0
        public var retried = 0
        public var errors = 0
        var durations = RecentSamples()
        var timesToFirstToken = RecentSamples()

        public init(provider: String, model: String, calls: Int = 0, usage: TokenUsage = .zero, costUSD: Double = 0,
                    pricedCalls: Int = 0, unpricedCalls: Int = 0) {
            self.provider = provider
            self.model = model
            self.calls = calls
            self.usage = usage
            self.costUSD = costUSD
            self.pricedCalls = pricedCalls
            self.unpricedCalls = unpricedCalls
        }

        public var latency: Percentiles { durations.percentiles }

        /// Adds one call's duration and time to first token (for callers outside the store, e.g. previews).
        public mutating func addSample(durationSeconds: Double, timeToFirstTokenSeconds: Double? = nil) {
            durations.add(durationSeconds)
            if let timeToFirstTokenSeconds { timesToFirstToken.add(timeToFirstTokenSeconds) }
        }
        public var timeToFirstToken: Percentiles { timesToFirstToken.percentiles }
    }

    public private(set) var entries: [String: Entry] = [:]

    public init() {}

    mutating func record(_ call: LLMCall, span: StoredSpan) {
        let name = call.model.isEmpty ? "(none)" : call.model
        var entry = entries[name] ?? Entry(provider: call.provider, model: name)
        entry.calls += 1
        entry.usage += call.usage
        if let cost = span.cost {
            entry.costUSD += cost.usd
            entry.pricedCalls += 1
        } else if call.hasUsage && !call.usage.isZero {
            entry.unpricedCalls += 1
        }
        if !call.finishReasons.isEmpty { entry.responses += 1 }
        if call.isTruncated { entry.truncated += 1 }
        if call.retries > 0 { entry.retried += 1 }
        if span.isError { entry.errors += 1 }
        if !span.isOpen { entry.durations.add(Double(span.raw.endNanos - span.raw.startNanos) / 1e9) }
        if let ttft = call.timeToFirstTokenSeconds { entry.timesToFirstToken.add(ttft) }
        entries[name] = entry
    }
}

/// The last `capacity` samples, for live percentiles that follow recent behaviour.
struct RecentSamples: Sendable, Equatable {
    static let capacity = 512
    private var samples: [Double] = []
    private var next = 0

    mutating func add(_ value: Double) {
        if samples.count < Self.capacity {
            samples.append(value)
        } else {
            samples[next] = value
            next = (next + 1) % Self.capacity
        }
    }

    var percentiles: Percentiles { Percentiles(samples: samples) }

    /// Pools another model's samples (for percentiles over all models; may exceed `capacity`).
    mutating func merge(_ other: RecentSamples) {
        samples += other.samples
    }
}
