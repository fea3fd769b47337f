/// Quantiles from explicit-bucket histograms the way Prometheus' `histogram_quantile` estimates them:
/// find the bucket holding the rank and interpolate linearly inside it (from 0 for the first bucket);
/// a rank in the overflow bucket answers with the highest finite bound.
public enum HistogramQuantile {
    /// `bounds` are the upper bounds of all buckets but the last (overflow); `counts` has one more entry.
    public static func estimate(_ q: Double, bounds: [Double], counts: [UInt64]) -> Double? {
        guard counts.count == bounds.count + 1, q >= 0, q <= 1 else { return nil }
        let total = counts.reduce(0, +)
        guard total > 0 else { return nil }
        let rank = q * Double(total)
        var below: UInt64 = 0
        for (index, count) in counts.enumerated() {
            if Double(below + count) >= rank && count > 0 {
                guard index < bounds.count else { return bounds.last }
                let lower = index == 0 ? 0 : bounds[index - 1]
                let upper = bounds[index]
                return lower + (upper - lower) * (rank - Double(below)) / Double(count)
            }
            below += count
        }
        return bounds.last
    }

    /// p50/p95/p99 of histograms with the same bounds, added together.
    public static func percentiles(bounds: [Double], counts: [UInt64]) -> Percentiles {
        Percentiles(p50: estimate(0.50, bounds: bounds, counts: counts),
                    p95: estimate(0.95, bounds: bounds, counts: counts),
                    p99: estimate(0.99, bounds: bounds, counts: counts))
    }
}
