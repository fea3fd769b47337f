/// Counts per second over the last few whole seconds.
struct RateMeter: Sendable {
    private static let window = 5
    private var buckets = [Int](repeating: 0, count: RateMeter.window + 1)
    private var bucketSecond = [UInt64](repeating: 0, count: RateMeter.window + 1)

    mutating func add(_ count: Int, atNanos now: UInt64) {
        let second = now / 1_000_000_000
        let slot = Int(second % UInt64(buckets.count))
        if bucketSecond[slot] != second {
            bucketSecond[slot] = second
            buckets[slot] = 0
        }
        buckets[slot] += count
    }

    /// Average over the last `window` complete seconds.
    func perSecond(atNanos now: UInt64) -> Double {
        let current = now / 1_000_000_000
        var total = 0
        for (slot, second) in bucketSecond.enumerated() where second < current && current - second <= UInt64(Self.window) {
            total += buckets[slot]
        }
        return Double(total) / Double(Self.window)
    }
}
