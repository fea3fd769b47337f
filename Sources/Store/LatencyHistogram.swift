import Histogram

/// An HDR histogram of durations in microseconds, 3 significant digits, from 1 µs to 1 h. Values
/// outside the range are clamped to it (a negative or absurd duration never traps); NaN is ignored.
/// The counts are allocated on the first value, so an unused histogram costs nothing.
public struct LatencyHistogram: Sendable {
    /// One hour, in microseconds.
    public static let highestMicros: UInt64 = 3_600_000_000

    private var histogram: Histogram<UInt32>?
    /// Percentiles computed at `cachedCount` values (see `refresh`).
    private var cached: (count: UInt64, percentiles: Percentiles)?

    public init() {}

    public var count: UInt64 { histogram?.totalCount ?? 0 }

    public mutating func record(seconds: Double) {
        guard !seconds.isNaN else { return }
        let micros = (seconds * 1_000_000).rounded()
        let clamped = micros <= 0 ? 0 : micros >= Double(Self.highestMicros) ? Self.highestMicros : UInt64(micros)
        // Moved out and back: unwrapping in place copied the optional through generic witnesses.
        var counts = histogram.take() ?? Histogram(lowestDiscernibleValue: 1, highestTrackableValue: Self.highestMicros,
                                                   numberOfSignificantValueDigits: .three)
        counts.record(clamped)
        histogram = counts
    }

    /// Adds another histogram's values.
    public mutating func merge(_ other: LatencyHistogram) {
        guard let theirs = other.histogram, theirs.totalCount > 0 else { return }
        if histogram == nil {
            histogram = theirs
        } else {
            histogram!.add(theirs)
        }
    }

    /// p50, p95 and p99 in seconds (nearest rank, to the histogram's precision); nil when empty.
    public var percentiles: Percentiles {
        guard let histogram, histogram.totalCount > 0 else { return Percentiles() }
        if let cached, cached.count == histogram.totalCount { return cached.percentiles }
        let micros = Self.values(of: histogram, atPercentiles: [50, 95, 99])
        return Percentiles(p50: Double(micros[0]) / 1_000_000, p95: Double(micros[1]) / 1_000_000,
                           p99: Double(micros[2]) / 1_000_000)
    }

    /// What `valueAtPercentile` gives for each of `percentiles` (ascending, each under 100), in one
    /// walk over the recorded values: `valueAtPercentile` walks every bucket from the first once per
    /// percentile, in code not specialized for the histogram's counts (the screen's snapshot asks
    /// for these under the store's lock on every frame).
    static func values(of histogram: Histogram<UInt32>, atPercentiles percentiles: [Double]) -> [UInt64] {
        let total = Double(histogram.totalCount)
        // The rank each percentile falls on, as the library derives it (one ulp below, rounded up).
        let ranks = percentiles.map { percentile in
            Swift.max(1, UInt64((Swift.min(Swift.max(percentile.nextDown, 0), 100) * total / 100).rounded(.up)))
        }
        var values = [UInt64](repeating: 0, count: ranks.count)
        let lowest = histogram.min, highest = histogram.maxRecorded
        var found = 0
        var cumulative: UInt64 = 0
        for step in histogram.recordedValues() {
            cumulative += UInt64(step.count)
            while found < ranks.count, cumulative >= ranks[found] {
                values[found] = Swift.max(Swift.min(step.value, highest), lowest)
                found += 1
            }
            if found == ranks.count { break }
        }
        return values
    }

    /// Keeps the current percentiles so that reading them again before the next value costs nothing.
    public mutating func refresh() {
        guard let total = histogram?.totalCount, cached?.count != total else { return }
        cached = (total, percentiles)
    }
}

/// Call duration and time to first token, side by side.
public struct LatencyPair: Sendable {
    public var duration = LatencyHistogram()
    public var timeToFirstToken = LatencyHistogram()

    public init() {}

    public mutating func record(durationSeconds: Double?, timeToFirstTokenSeconds: Double?) {
        if let durationSeconds { duration.record(seconds: durationSeconds) }
        if let timeToFirstTokenSeconds { timeToFirstToken.record(seconds: timeToFirstTokenSeconds) }
    }

    public mutating func merge(_ other: LatencyPair) {
        duration.merge(other.duration)
        timeToFirstToken.merge(other.timeToFirstToken)
    }

    mutating func refresh() {
        duration.refresh()
        timeToFirstToken.refresh()
    }
}

/// The recent past of a `LatencyPair`: one histogram per minute, and their sum over the current minute
/// and the five before it, so "the last five minutes" is read without merging on every frame. The sum
/// is rebuilt from the minutes still inside the window when a new minute begins.
public struct RecentLatency: Sendable {
    public static let slotNanos: UInt64 = 60_000_000_000
    /// Whole minutes before the current one that stay in the window.
    public static let previousSlots: UInt64 = 5

    private var slots: [(minute: UInt64, values: LatencyPair)] = []
    private var window = LatencyPair()
    /// The minute `window` was built for.
    private var windowMinute: UInt64 = 0

    public init() {}

    public var isEmpty: Bool { slots.isEmpty }

    public mutating func record(durationSeconds: Double?, timeToFirstTokenSeconds: Double?, atNanos now: UInt64) {
        advance(toNanos: now)
        let minute = now / Self.slotNanos
        // A value stamped earlier than the newest minute (the clock went back) joins the newest minute.
        // The newest minute read in place (`last` would copy its histograms' references).
        if slots.isEmpty || slots[slots.count - 1].minute < minute { slots.append((minute, LatencyPair())) }
        slots[slots.count - 1].values.record(durationSeconds: durationSeconds, timeToFirstTokenSeconds: timeToFirstTokenSeconds)
        window.record(durationSeconds: durationSeconds, timeToFirstTokenSeconds: timeToFirstTokenSeconds)
    }

    /// Drops the minutes that left the window and rebuilds the sum without them.
    public mutating func advance(toNanos now: UInt64) {
        let minute = now / Self.slotNanos
        guard minute > windowMinute else { return }
        windowMinute = minute
        let oldest = minute >= Self.previousSlots ? minute - Self.previousSlots : 0
        guard slots.contains(where: { $0.minute < oldest }) else { return }
        slots.removeAll { $0.minute < oldest }
        window = LatencyPair()
        for slot in slots { window.merge(slot.values) }
    }

    /// Duration and time-to-first-token percentiles of the window ending at `now`.
    public func percentiles(atNanos now: UInt64) -> (duration: Percentiles, timeToFirstToken: Percentiles) {
        let minute = now / Self.slotNanos
        let oldest = minute >= Self.previousSlots ? minute - Self.previousSlots : 0
        if minute <= windowMinute || !slots.contains(where: { $0.minute < oldest }) {
            return (window.duration.percentiles, window.timeToFirstToken.percentiles)
        }
        // Not advanced yet (a reader without write access): sum the minutes still inside.
        var live = LatencyPair()
        for slot in slots where slot.minute >= oldest { live.merge(slot.values) }
        return (live.duration.percentiles, live.timeToFirstToken.percentiles)
    }

    mutating func refresh() { window.refresh() }
}
