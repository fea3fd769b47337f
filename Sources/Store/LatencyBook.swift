import Semantics

/// HDR latency histograms of LLM calls (duration and time to first token): since start per provider,
/// model and operation (`gen_ai.operation.name`), and over the last five minutes per model and in total.
/// Kept as calls are stored; eviction does not take them back.
public struct LatencyBook: Sendable {
    public struct Key: Hashable, Sendable {
        public var provider: String
        /// The model as the ledger names it (`(none)` when the call named none).
        public var model: String
        public var operation: String
    }

    /// Model names come from the telemetry: past this many keys, new ones share one, so a flood of
    /// made-up names cannot grow memory (a histogram takes about 100 KB).
    public static let maxKeys = 256
    public static let otherModels = "(other models)"

    public private(set) var sinceStart: [Key: LatencyPair] = [:]
    public private(set) var overall = LatencyPair()
    private var recentOverall = RecentLatency()
    private var recentByModel: [String: RecentLatency] = [:]

    public init() {}

    mutating func record(_ key: Key, durationSeconds: Double?, timeToFirstTokenSeconds: Double?, atNanos now: UInt64) {
        guard durationSeconds != nil || timeToFirstTokenSeconds != nil else { return }
        var key = key
        // Asked only at the cap: each lookup hashes the key's strings again.
        if sinceStart.count >= Self.maxKeys, sinceStart[key] == nil { key.model = Self.otherModels }
        let recentModel = recentByModel.count >= Self.maxKeys && recentByModel[key.model] == nil
            ? Self.otherModels : key.model
        sinceStart[key, default: LatencyPair()].record(durationSeconds: durationSeconds,
                                                       timeToFirstTokenSeconds: timeToFirstTokenSeconds)
        overall.record(durationSeconds: durationSeconds, timeToFirstTokenSeconds: timeToFirstTokenSeconds)
        recentOverall.record(durationSeconds: durationSeconds, timeToFirstTokenSeconds: timeToFirstTokenSeconds, atNanos: now)
        recentByModel[recentModel, default: RecentLatency()]
            .record(durationSeconds: durationSeconds, timeToFirstTokenSeconds: timeToFirstTokenSeconds, atNanos: now)
    }

    /// Moves the recent windows to `now`, forgets models idle for longer than the window, and caches
    /// the percentiles a snapshot reads.
    mutating func advance(toNanos now: UInt64) {
        recentOverall.advance(toNanos: now)
        recentOverall.refresh()
        for model in Array(recentByModel.keys) {
            recentByModel[model]!.advance(toNanos: now)
            if recentByModel[model]!.isEmpty {
                recentByModel[model] = nil
            } else {
                recentByModel[model]!.refresh()
            }
        }
        overall.refresh()
    }

    /// Last five minutes, all models.
    public func recent(atNanos now: UInt64) -> (duration: Percentiles, timeToFirstToken: Percentiles) {
        recentOverall.percentiles(atNanos: now)
    }

    /// Last five minutes of one model (named as the ledger names it).
    public func recent(model: String, atNanos now: UInt64) -> (duration: Percentiles, timeToFirstToken: Percentiles) {
        recentByModel[model]?.percentiles(atNanos: now) ?? (Percentiles(), Percentiles())
    }

    /// Since start, the calls of the keys `include` accepts, merged.
    public func merged(where include: (Key) -> Bool) -> LatencyPair {
        var pair = LatencyPair()
        for (key, value) in sinceStart where include(key) { pair.merge(value) }
        return pair
    }
}
