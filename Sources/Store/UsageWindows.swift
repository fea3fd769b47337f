import Semantics

/// Token and cost burn over sliding windows, per model and in total: per-second buckets of the last
/// hour, and per-minute buckets of the last day when a window is longer than an hour (such windows are
/// counted in whole minutes). Calls are placed at the second they arrived at tokentop: the burn a person
/// watching the screen sees, also when the exporter batches or the clock of the app is off.
public struct UsageWindows: Sendable {
    /// A sliding window's length.
    public struct Window: Sendable, Hashable, Comparable {
        public let seconds: Int

        public init(seconds: Int) { self.seconds = seconds }

        public static let oneMinute = Window(seconds: 60)
        public static let fiveMinutes = Window(seconds: 300)
        public static let oneHour = Window(seconds: 3600)
        /// The lengths a window may have: 10 s to 24 h.
        public static let allowedSeconds = 10...86_400

        /// `1m`, `5m`, `1h`, `1h30m`, `45s`.
        public var label: String {
            var text = ""
            if seconds >= 3600 { text += "\(seconds / 3600)h" }
            if seconds % 3600 >= 60 { text += "\(seconds % 3600 / 60)m" }
            if seconds % 60 > 0 || seconds == 0 { text += "\(seconds % 60)s" }
            return text
        }

        public static func < (a: Window, b: Window) -> Bool { a.seconds < b.seconds }
    }

    /// What one second (or a sum of seconds) saw.
    public struct Usage: Sendable, Equatable {
        public var calls = 0
        public var input: Int64 = 0
        public var output: Int64 = 0
        public var cacheRead: Int64 = 0
        public var reasoning: Int64 = 0
        public var costUSD = 0.0
        /// Calls that had tokens but no price: their cost is not in `costUSD`.
        public var unpricedCalls = 0
        /// Quality counts, as the ledger counts them: calls with finish reasons, truncated, retried, failed.
        public var responses = 0
        public var truncated = 0
        public var retried = 0
        public var errors = 0

        public init() {}

        mutating func add(_ other: Usage) {
            calls += other.calls
            input += other.input
            output += other.output
            cacheRead += other.cacheRead
            reasoning += other.reasoning
            costUSD += other.costUSD
            unpricedCalls += other.unpricedCalls
            responses += other.responses
            truncated += other.truncated
            retried += other.retried
            errors += other.errors
        }
    }

    /// Averages over a window.
    public struct Rates: Sendable, Equatable {
        public var inputPerSecond = 0.0
        public var outputPerSecond = 0.0
        public var cacheReadPerSecond = 0.0
        public var reasoningPerSecond = 0.0
        public var dollarsPerHour = 0.0
        public var unpricedCalls = 0

        public init(inputPerSecond: Double = 0, outputPerSecond: Double = 0, cacheReadPerSecond: Double = 0,
                    reasoningPerSecond: Double = 0, dollarsPerHour: Double = 0, unpricedCalls: Int = 0) {
            self.inputPerSecond = inputPerSecond
            self.outputPerSecond = outputPerSecond
            self.cacheReadPerSecond = cacheReadPerSecond
            self.reasoningPerSecond = reasoningPerSecond
            self.dollarsPerHour = dollarsPerHour
            self.unpricedCalls = unpricedCalls
        }
    }

    /// Buckets of `width` seconds, the last `count` of them.
    private struct Ring: Sendable {
        let width: UInt64
        var slots: [UInt64]
        var usage: [Usage]

        init(width: Int, count: Int) {
            self.width = UInt64(width)
            slots = [UInt64](repeating: .max, count: count)
            usage = [Usage](repeating: Usage(), count: count)
        }

        mutating func add(_ item: Usage, second: UInt64) {
            let bucket = second / width
            let slot = Int(bucket % UInt64(slots.count))
            if slots[slot] != bucket {
                slots[slot] = bucket
                usage[slot] = Usage()
            }
            usage[slot].add(item)
        }

        func at(bucket: UInt64) -> Usage? {
            let slot = Int(bucket % UInt64(slots.count))
            return slots[slot] == bucket ? usage[slot] : nil
        }

        /// The buckets ending with the one holding `second`, `count` of them.
        func sum(endingAt second: UInt64, count: Int) -> Usage {
            let last = second / width
            var sum = Usage()
            for back in 0..<UInt64(min(count, slots.count)) where back <= last {
                if let usage = at(bucket: last - back) { sum.add(usage) }
            }
            return sum
        }
    }

    /// Per-second buckets cover the last hour; the budget's pace needs the hour whatever the windows.
    private static let secondsKept = 3600
    private static let minutesKept = 1440

    /// Per model: seconds, and minutes when a window is longer than an hour.
    private struct Rings: Sendable {
        var seconds = Ring(width: 1, count: UsageWindows.secondsKept)
        var minutes: Ring?

        init(keepMinutes: Bool) {
            if keepMinutes { minutes = Ring(width: 60, count: UsageWindows.minutesKept) }
        }

        mutating func add(_ item: Usage, second: UInt64) {
            seconds.add(item, second: second)
            minutes?.add(item, second: second)
        }
    }

    private var total: Rings
    private var byModel: [String: Rings] = [:]
    private let keepMinutes: Bool

    /// `longest`: the longest window that will be asked for.
    public init(longest: Window = .oneHour) {
        keepMinutes = longest.seconds > Self.secondsKept
        total = Rings(keepMinutes: keepMinutes)
    }

    /// The models seen in the last hour.
    public var models: [String] { byModel.keys.sorted() }

    public mutating func add(model: String, usage: TokenUsage, costUSD: Double?, atNanos: UInt64,
                             quality: Usage = Usage()) {
        var item = quality
        item.calls = 1
        item.input = usage.input
        item.output = usage.output
        item.cacheRead = usage.cacheRead
        item.reasoning = usage.reasoning
        if let costUSD {
            item.costUSD = costUSD
        } else if !usage.isZero {
            item.unpricedCalls = 1
        }
        let second = atNanos / 1_000_000_000
        total.add(item, second: second)
        byModel[model, default: Rings(keepMinutes: keepMinutes)].add(item, second: second)
    }

    /// A stored call turned out to be a retry (its failed sibling arrived later): counted now, no new call.
    public mutating func addRetry(model: String, atNanos: UInt64) {
        var item = Usage()
        item.retried = 1
        let second = atNanos / 1_000_000_000
        total.add(item, second: second)
        byModel[model, default: Rings(keepMinutes: keepMinutes)].add(item, second: second)
    }

    /// The sum of the window's whole seconds ending with the current one (whole minutes past an
    /// hour); nil model means all models.
    public func usage(model: String? = nil, window: Window, nowNanos: UInt64) -> Usage {
        guard let rings = model.map({ byModel[$0] }) ?? total else { return Usage() }
        let now = nowNanos / 1_000_000_000
        if window.seconds > Self.secondsKept, let minutes = rings.minutes {
            return minutes.sum(endingAt: now, count: (window.seconds + 59) / 60)
        }
        return rings.seconds.sum(endingAt: now, count: window.seconds)
    }

    public func rates(model: String? = nil, window: Window, nowNanos: UInt64) -> Rates {
        let sum = usage(model: model, window: window, nowNanos: nowNanos)
        let span = Double(window.seconds > Self.secondsKept ? (window.seconds + 59) / 60 * 60 : window.seconds)
        return Rates(inputPerSecond: Double(sum.input) / span, outputPerSecond: Double(sum.output) / span,
                     cacheReadPerSecond: Double(sum.cacheRead) / span, reasoningPerSecond: Double(sum.reasoning) / span,
                     dollarsPerHour: sum.costUSD * 3600 / span, unpricedCalls: sum.unpricedCalls)
    }

    /// Tokens (input + output) per `step` seconds for the last `points` steps, oldest first: a sparkline.
    public func tokenSeries(model: String? = nil, points: Int, step: Int, nowNanos: UInt64) -> [Int64] {
        guard let ring = (model.map({ byModel[$0] }) ?? total)?.seconds, points > 0, step > 0 else { return [] }
        let now = nowNanos / 1_000_000_000
        return (0..<points).reversed().map { point in
            var sum: Int64 = 0
            for offset in 0..<step {
                let back = UInt64(point * step + offset)
                guard back <= now, back < UInt64(Self.secondsKept), let usage = ring.at(bucket: now - back) else { continue }
                sum += usage.input + usage.output
            }
            return sum
        }
    }

    /// Forgets models with nothing in the longest window kept.
    public mutating func prune(nowNanos: UInt64) {
        let now = nowNanos / 1_000_000_000
        byModel = byModel.filter { _, rings in
            if let minutes = rings.minutes {
                return (0..<UInt64(Self.minutesKept)).contains { $0 <= now / 60 && minutes.at(bucket: now / 60 - $0) != nil }
            }
            return (0..<UInt64(Self.secondsKept)).contains { $0 <= now && rings.seconds.at(bucket: now - $0) != nil }
        }
    }
}

/// Which sliding windows tokentop keeps, and which of them each figure on screen is averaged over.
public struct WindowSettings: Sendable, Equatable {
    /// Shortest first.
    public let windows: [UsageWindows.Window]
    /// Tokens per second: the header and the Token burn pane.
    public let burn: UsageWindows.Window
    /// Dollars per hour: the header and the Cost pane.
    public let cost: UsageWindows.Window
    /// The Quality pane's rates and the alerts; nil counts every call since start.
    public let quality: UsageWindows.Window?

    /// 1 min, 5 min and 1 h: tokens/s over the minute, $/h over five minutes, quality since start.
    public static let standard = WindowSettings(windows: [.oneMinute, .fiveMinutes, .oneHour])

    /// By default tokens/s use the shortest window and $/h the second shortest (or the only one).
    public init(windows: [UsageWindows.Window], burn: UsageWindows.Window? = nil, cost: UsageWindows.Window? = nil,
                quality: UsageWindows.Window? = nil) {
        let sorted = Array(Set(windows)).sorted()
        self.windows = sorted.isEmpty ? [.oneMinute] : sorted
        self.burn = burn ?? self.windows[0]
        self.cost = cost ?? self.windows[min(1, self.windows.count - 1)]
        self.quality = quality
    }

    public var longest: UsageWindows.Window { ([burn, cost] + windows + (quality.map { [$0] } ?? [])).max() ?? .oneHour }
}
