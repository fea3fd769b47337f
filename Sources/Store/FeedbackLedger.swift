import Semantics

/// Feedback scores by source since start: each `gen_ai.evaluation.result` event by its evaluation name.
public struct FeedbackLedger: Sendable {
    public private(set) var byName: [String: Feedback] = [:]

    public init() {}

    mutating func record(_ result: EvaluationResult) {
        byName[result.name, default: Feedback()].add(result)
    }

    /// All evaluations together.
    public var total: Feedback {
        byName.values.reduce(into: Feedback()) { $0.merge($1) }
    }
}

extension Feedback {
    /// One evaluation: counted once; its score adds to the mean; its label, or else its score, names its
    /// histogram bucket.
    mutating func add(_ result: EvaluationResult) {
        count += 1
        if let score = result.score {
            scored += 1
            sum += score
        }
        let bucket = result.label ?? result.score.map(Self.scoreText) ?? ""
        add(bucket: bucket, count: 1)
    }

    mutating func add(bucket: String, count: UInt64) {
        if let index = histogram.firstIndex(where: { $0.0 == bucket }) {
            histogram[index].1 = saturatingSum(histogram[index].1, count)
        } else {
            histogram.append((bucket, count))
            histogram.sort { Self.bucketOrder($0.0) < Self.bucketOrder($1.0) }
        }
    }

    mutating func merge(_ other: Feedback) {
        count += other.count
        scored += other.scored
        sum += other.sum
        for (bucket, n) in other.histogram { add(bucket: bucket, count: n) }
    }

    /// Numbers and `le_N` bounds in numeric order, then `gt_N`, then labels alphabetically.
    static func bucketOrder(_ bucket: String) -> (Int, Double, String) {
        if let value = Double(bucket) { return (0, value, bucket) }
        if bucket.hasPrefix("le_"), let value = Double(bucket.dropFirst(3)) { return (0, value, bucket) }
        if bucket.hasPrefix("gt_"), let value = Double(bucket.dropFirst(3)) { return (1, value, bucket) }
        return (2, 0, bucket)
    }

    /// Whole scores as integers, others to two decimals.
    static func scoreText(_ score: Double) -> String {
        if score == score.rounded(), abs(score) < 1e15 { return String(Int64(score)) }
        let hundredths = (score * 100).rounded() / 100
        return String(hundredths)
    }
}
