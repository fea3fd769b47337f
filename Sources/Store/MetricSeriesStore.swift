import Semantics
import Telemetry

/// The running total of one metric series (name + scope + service + attributes), with cumulative
/// and delta temporality folded into one value and counter resets carried over.
public struct MetricSeries: Sendable {
    public let name: String
    public let unit: String
    public let kind: MetricKind
    public let temporality: Temporality
    public let scopeName: String
    public let serviceName: String
    public let attributes: [Attribute]
    /// Sum/gauge: the total (gauge: the last value).
    public private(set) var value: Double = 0
    /// Histogram totals: count, sum and per-bucket counts (explicit bounds).
    public private(set) var count: UInt64 = 0
    public private(set) var sum: Double = 0
    public private(set) var bounds: [Double] = []
    public private(set) var bucketCounts: [UInt64] = []
    public private(set) var points = 0
    public private(set) var lastTimeNanos: UInt64 = 0

    // Cumulative bookkeeping: what earlier runs of the counter (before a reset) contributed.
    private var carriedValue: Double = 0
    private var carriedCount: UInt64 = 0
    private var carriedSum: Double = 0
    private var carriedBuckets: [UInt64] = []
    private var lastStartNanos: UInt64 = 0
    private var lastRaw: (value: Double, count: UInt64, sum: Double, buckets: [UInt64]) = (0, 0, 0, [])

    init(point: RawMetricPoint) {
        name = point.metricName
        unit = point.unit
        kind = point.kind
        temporality = point.temporality
        scopeName = point.origin.scopeName
        serviceName = point.origin.serviceName
        attributes = point.attributes
    }

    public func attribute(_ key: String) -> String? { attributes[key].map(Normalizer.displayString) }

    mutating func apply(_ point: RawMetricPoint) {
        points += 1
        lastTimeNanos = max(lastTimeNanos, point.timeNanos)
        let raw: (value: Double, count: UInt64, sum: Double, buckets: [UInt64])
        switch point.value {
        case .number(let v): raw = (v, 0, 0, [])
        case .histogram(let h):
            if bounds.isEmpty || bounds == h.bounds { bounds = h.bounds } else { bounds = h.bounds; carriedBuckets = [] }
            raw = (0, h.count, h.sum ?? 0, h.bucketCounts)
        case .exponentialHistogram(let h): raw = (0, h.count, h.sum ?? 0, [])
        case .summary(let c, let s): raw = (0, c, s, [])
        }
        if kind == .gauge {
            value = raw.value
            return
        }
        if temporality == .delta {
            value += raw.value
            count = saturatingSum(count, raw.count)
            sum += raw.sum
            bucketCounts = add(bucketCounts, raw.buckets)
            return
        }
        // Cumulative: a later start time or a value that went down means the counter restarted.
        let restarted = (lastStartNanos != 0 && point.startNanos > lastStartNanos)
            || raw.value < lastRaw.value || raw.count < lastRaw.count
        if restarted {
            carriedValue += lastRaw.value
            carriedCount = saturatingSum(carriedCount, lastRaw.count)
            carriedSum += lastRaw.sum
            carriedBuckets = add(carriedBuckets, lastRaw.buckets)
        }
        lastStartNanos = point.startNanos
        lastRaw = raw
        value = carriedValue + raw.value
        count = saturatingSum(carriedCount, raw.count)
        sum = carriedSum + raw.sum
        bucketCounts = add(carriedBuckets, raw.buckets)
    }

    private func add(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        return (0..<max(a.count, b.count)).map { saturatingSum(($0 < a.count) ? a[$0] : 0, ($0 < b.count) ? b[$0] : 0) }
    }
}

public struct MetricSeriesStore: Sendable {
    private struct Key: Hashable {
        var name: String
        var scope: String
        var service: String
        var attributes: [Attribute]
    }
    private var series: [Key: MetricSeries] = [:]

    mutating func apply(_ point: RawMetricPoint) {
        let key = Key(name: point.metricName, scope: point.origin.scopeName, service: point.origin.serviceName,
                      attributes: point.attributes.sorted { $0.key < $1.key })
        if series[key] == nil { series[key] = MetricSeries(point: point) }
        series[key]!.apply(point)
    }

    public var all: [MetricSeries] { Array(series.values) }
    public func named(_ name: String) -> [MetricSeries] { series.values.filter { $0.name == name } }
    public var isEmpty: Bool { series.isEmpty }
}

/// Counts come from untrusted telemetry: a sum past UInt64.max stays at the maximum instead of trapping.
func saturatingSum(_ a: UInt64, _ b: UInt64) -> UInt64 {
    let (sum, overflow) = a.addingReportingOverflow(b)
    return overflow ? .max : sum
}
