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
        /// Duration and time-to-first-token percentiles over the last five minutes (HDR histograms; filled
        /// when a snapshot is taken).
        public var latency = Percentiles()
        public var timeToFirstToken = Percentiles()
        /// Samples added with `addSample`.
        private var samples: LatencyPair?

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

        /// Adds one call's duration and time to first token (for callers outside the store, e.g. previews).
        public mutating func addSample(durationSeconds: Double, timeToFirstTokenSeconds: Double? = nil) {
            var pair = samples ?? LatencyPair()
            pair.record(durationSeconds: durationSeconds, timeToFirstTokenSeconds: timeToFirstTokenSeconds)
            latency = pair.duration.percentiles
            timeToFirstToken = pair.timeToFirstToken.percentiles
            samples = pair
        }

        /// Returns whether nothing is left (a call taken out was the only one).
        mutating func add(_ record: CallRecord, sign: Int) -> Bool {
            let call = record.call
            calls += sign
            usage += call.usage.signed(sign)
            if let cost = record.cost {
                costUSD += cost.usd * Double(sign)
                pricedCalls += sign
            } else if call.hasUsage && !call.usage.isZero {
                unpricedCalls += sign
            }
            if !call.finishReasons.isEmpty { responses += sign }
            if call.isTruncated { truncated += sign }
            if record.retried { retried += sign }
            if record.isError { errors += sign }
            return calls == 0 && usage.isZero
        }

        public static func == (a: Entry, b: Entry) -> Bool {
            (a.provider, a.model, a.calls, a.costUSD, a.pricedCalls, a.unpricedCalls) ==
                (b.provider, b.model, b.calls, b.costUSD, b.pricedCalls, b.unpricedCalls)
                && (a.responses, a.truncated, a.retried, a.errors) == (b.responses, b.truncated, b.retried, b.errors)
                && a.usage == b.usage && a.latency == b.latency && a.timeToFirstToken == b.timeToFirstToken
        }
    }

    public private(set) var entries: [String: Entry] = [:]

    public init() {}

    /// The name a call's model is kept under.
    static func name(of call: LLMCall) -> String { call.model.isEmpty ? "(none)" : call.model }

    mutating func record(_ record: CallRecord) { add(record, sign: 1) }

    /// A counted call was reported again with more to say: `old` comes out, `new` goes in.
    mutating func amend(_ old: CallRecord, to new: CallRecord) {
        add(old, sign: -1)
        add(new, sign: 1)
    }

    private mutating func add(_ record: CallRecord, sign: Int) {
        let call = record.call
        let name = Self.name(of: call)
        let index = entries.index(forKey: name, insertingIfAbsent: Entry(provider: call.provider, model: name))
        // In place, through the index found once (a lookup hashes the model name again).
        if entries.values[index].add(record, sign: sign) { entries.remove(at: index) }
    }

    /// A call recorded earlier turned out to be a retry.
    mutating func countRetry(of call: LLMCall) {
        entries[Self.name(of: call)]?.retried += 1
    }
}

extension Dictionary {
    /// The position of `key`, stored first as `make()` when absent: one lookup for a key already there,
    /// which callers then read and change in place through `values[index]`.
    mutating func index(forKey key: Key, insertingIfAbsent make: @autoclosure () -> Value) -> Index {
        if let index = index(forKey: key) { return index }
        self[key] = make()
        return index(forKey: key)!
    }
}
