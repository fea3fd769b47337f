import Semantics

/// Token and cost burn over sliding windows (1 min, 5 min, 1 h), per model and in total, from per-second
/// buckets of the last hour. Calls are placed at the second they arrived at tokentop: the burn a person
/// watching the screen sees, also when the exporter batches or the clock of the app is off.
public struct UsageWindows: Sendable {
    public enum Window: Int, Sendable, CaseIterable {
        case oneMinute = 60
        case fiveMinutes = 300
        case oneHour = 3600

        public var label: String {
            switch self {
            case .oneMinute: "1m"
            case .fiveMinutes: "5m"
            case .oneHour: "1h"
            }
        }
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

        public init() {}

        mutating func add(_ other: Usage) {
            calls += other.calls
            input += other.input
            output += other.output
            cacheRead += other.cacheRead
            reasoning += other.reasoning
            costUSD += other.costUSD
            unpricedCalls += other.unpricedCalls
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

    private static let seconds = Window.oneHour.rawValue

    private struct Ring: Sendable {
        var seconds = [UInt64](repeating: .max, count: UsageWindows.seconds)
        var usage = [Usage](repeating: Usage(), count: UsageWindows.seconds)

        mutating func add(_ item: Usage, second: UInt64) {
            let slot = Int(second % UInt64(UsageWindows.seconds))
            if seconds[slot] != second {
                seconds[slot] = second
                usage[slot] = Usage()
            }
            usage[slot].add(item)
        }

        func at(_ second: UInt64) -> Usage? {
            let slot = Int(second % UInt64(UsageWindows.seconds))
            return seconds[slot] == second ? usage[slot] : nil
        }
    }

    private var total = Ring()
    private var byModel: [String: Ring] = [:]

    public init() {}

    /// The models seen in the last hour.
    public var models: [String] { byModel.keys.sorted() }

    public mutating func add(model: String, usage: TokenUsage, costUSD: Double?, atNanos: UInt64) {
        var item = Usage()
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
        byModel[model, default: Ring()].add(item, second: second)
    }

    /// The sum of the window's whole seconds ending with the current one; nil model means all models.
    public func usage(model: String? = nil, window: Window, nowNanos: UInt64) -> Usage {
        guard let ring = model.map({ byModel[$0] }) ?? total else { return Usage() }
        let now = nowNanos / 1_000_000_000
        var sum = Usage()
        for offset in 0..<UInt64(window.rawValue) where offset <= now {
            if let second = ring.at(now - offset) { sum.add(second) }
        }
        return sum
    }

    public func rates(model: String? = nil, window: Window, nowNanos: UInt64) -> Rates {
        let sum = usage(model: model, window: window, nowNanos: nowNanos)
        let span = Double(window.rawValue)
        return Rates(inputPerSecond: Double(sum.input) / span, outputPerSecond: Double(sum.output) / span,
                     cacheReadPerSecond: Double(sum.cacheRead) / span, reasoningPerSecond: Double(sum.reasoning) / span,
                     dollarsPerHour: sum.costUSD * 3600 / span, unpricedCalls: sum.unpricedCalls)
    }

    /// Tokens (input + output) per `step` seconds for the last `points` steps, oldest first: a sparkline.
    public func tokenSeries(model: String? = nil, points: Int, step: Int, nowNanos: UInt64) -> [Int64] {
        guard let ring = model.map({ byModel[$0] }) ?? total, points > 0, step > 0 else { return [] }
        let now = nowNanos / 1_000_000_000
        return (0..<points).reversed().map { point in
            var sum: Int64 = 0
            for offset in 0..<step {
                let back = UInt64(point * step + offset)
                guard back <= now, back < UInt64(Self.seconds), let usage = ring.at(now - back) else { continue }
                sum += usage.input + usage.output
            }
            return sum
        }
    }

    /// Forgets models with nothing in the last hour.
    public mutating func prune(nowNanos: UInt64) {
        let now = nowNanos / 1_000_000_000
        byModel = byModel.filter { _, ring in
            (0..<UInt64(Self.seconds)).contains { $0 <= now && ring.at(now - $0) != nil }
        }
    }
}
