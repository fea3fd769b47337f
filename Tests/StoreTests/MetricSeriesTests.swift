import Semantics
import XCTest
@testable import Store
import Telemetry

final class MetricSeriesTests: XCTestCase {
    let origin = Origin(resource: [Attribute("service.name", .string("svc"))], scopeName: "m")

    func point(_ value: Double, start: UInt64 = 1, time: UInt64, temporality: Temporality) -> RawMetricPoint {
        RawMetricPoint(metricName: "gen_ai.client.retries", unit: "", kind: .sum, temporality: temporality,
                       isMonotonic: true, attributes: [Attribute("error.type", .string("429"))],
                       startNanos: start, timeNanos: time, value: .number(value), origin: origin)
    }

    func testCumulativeTakesTheLastPoint() {
        var store = MetricSeriesStore()
        for (i, v) in [1.0, 3, 3, 7].enumerated() { store.apply(point(v, time: UInt64(i + 2), temporality: .cumulative)) }
        XCTAssertEqual(store.named("gen_ai.client.retries").map(\.value), [7])
    }

    func testDeltaAddsEveryPoint() {
        var store = MetricSeriesStore()
        for (i, v) in [1.0, 2, 0, 4].enumerated() { store.apply(point(v, time: UInt64(i + 2), temporality: .delta)) }
        XCTAssertEqual(store.named("gen_ai.client.retries").map(\.value), [7])
    }

    func testCumulativeResetCarriesTheEarlierRun() {
        var store = MetricSeriesStore()
        store.apply(point(5, start: 1, time: 2, temporality: .cumulative))
        store.apply(point(8, start: 1, time: 3, temporality: .cumulative))
        // The process restarted: a new start time and a smaller value.
        store.apply(point(2, start: 10, time: 11, temporality: .cumulative))
        store.apply(point(4, start: 10, time: 12, temporality: .cumulative))
        XCTAssertEqual(store.named("gen_ai.client.retries").map(\.value), [12])
    }

    /// Processes with identical resources (Claude Code sends no service.instance.id) keep series of
    /// their own when their points name their session: cumulative totals do not collide.
    func testSessionsWithIdenticalResourcesKeepSeriesOfTheirOwn() {
        var store = MetricSeriesStore()
        for (session, start, value, time) in [("a", 1, 5.0, 10), ("b", 2, 1.0, 11), ("a", 1, 6.0, 12), ("b", 2, 4.0, 13)] {
            var p = point(value, start: UInt64(start), time: UInt64(time), temporality: .cumulative)
            p.attributes.append(Attribute("session.id", .string(session)))
            store.apply(p)
        }
        XCTAssertEqual(store.named("gen_ai.client.retries").map(\.value).sorted(), [4, 6])
    }

    func testHistogramCumulativeAndDeltaAgree() {
        func h(_ counts: [UInt64], sum: Double) -> MetricValue {
            .histogram(HistogramValue(count: counts.reduce(0, +), sum: sum, bounds: [1, 2, 3, 4, 5], bucketCounts: counts))
        }
        var cumulative = MetricSeriesStore(), delta = MetricSeriesStore()
        let steps: [([UInt64], Double)] = [([0, 1, 0, 0, 1, 0], 7), ([1, 0, 0, 2, 0, 0], 9)]
        var running = [UInt64](repeating: 0, count: 6), runningSum = 0.0
        for (i, (counts, sum)) in steps.enumerated() {
            running = zip(running, counts).map { $0 + $1 }
            runningSum += sum
            for (store, value, temporality) in [(0, h(running, sum: runningSum), Temporality.cumulative),
                                                (1, h(counts, sum: sum), .delta)] {
                let p = RawMetricPoint(metricName: "gen_ai.user.feedback.score", unit: "{score}", kind: .histogram,
                                       temporality: temporality, isMonotonic: false, attributes: [], startNanos: 1,
                                       timeNanos: UInt64(i + 2), value: value, origin: origin)
                if store == 0 { cumulative.apply(p) } else { delta.apply(p) }
            }
        }
        let c = cumulative.named("gen_ai.user.feedback.score")[0], d = delta.named("gen_ai.user.feedback.score")[0]
        XCTAssertEqual(c.count, 5)
        XCTAssertEqual(c.sum, 16)
        XCTAssertEqual(c.bucketCounts, [1, 1, 0, 2, 1, 0])
        XCTAssertEqual(d.count, c.count)
        XCTAssertEqual(d.sum, c.sum)
        XCTAssertEqual(d.bucketCounts, c.bucketCounts)
    }

    /// Found by the `normalize` fuzz target: bucket counts near UInt64.max, added across points (delta,
    /// or a cumulative counter that restarted), trapped on overflow. They now stop at the maximum.
    func testHistogramCountsNearTheMaximumSaturateInsteadOfTrapping() {
        let huge = UInt64.max - 1
        func h(count: UInt64, _ counts: [UInt64]) -> MetricValue {
            .histogram(HistogramValue(count: count, sum: 1, bounds: [1], bucketCounts: counts))
        }
        func histogram(start: UInt64, time: UInt64, _ value: MetricValue, _ temporality: Temporality) -> RawMetricPoint {
            RawMetricPoint(metricName: "d", unit: "s", kind: .histogram, temporality: temporality, isMonotonic: false,
                           attributes: [], startNanos: start, timeNanos: time, value: value, origin: origin)
        }
        var delta = MetricSeriesStore()
        delta.apply(histogram(start: 1, time: 2, h(count: huge, [huge, 1]), .delta))
        delta.apply(histogram(start: 2, time: 3, h(count: huge, [huge, 2]), .delta))
        XCTAssertEqual(delta.named("d").first?.count, .max)
        XCTAssertEqual(delta.named("d").first?.bucketCounts, [.max, 3])

        var cumulative = MetricSeriesStore()
        cumulative.apply(histogram(start: 1, time: 2, h(count: huge, [huge, 0]), .cumulative))
        cumulative.apply(histogram(start: 5, time: 6, h(count: 7, [huge, 7]), .cumulative))
        XCTAssertEqual(cumulative.named("d").first?.count, .max)
        XCTAssertEqual(cumulative.named("d").first?.bucketCounts, [.max, 7])
    }

    /// Found by the `normalize` fuzz target: a feedback histogram bound too large for Int64 trapped
    /// when its bucket label was written; two series near the maximum count overflowed the total.
    func testFeedbackWithHugeBoundsAndCountsIsReported() {
        var store = MetricSeriesStore()
        for service in ["a", "b"] {
            let origin = Origin(resource: [Attribute("service.name", .string(service))], scopeName: "m")
            store.apply(RawMetricPoint(
                metricName: "gen_ai.user.feedback.score", unit: "", kind: .histogram, temporality: .delta,
                isMonotonic: false, attributes: [], startNanos: 1, timeNanos: 2,
                value: .histogram(HistogramValue(count: .max - 1, sum: 1, bounds: [1e300], bucketCounts: [.max - 1, 1])),
                origin: origin))
        }
        let feedback = MetricsFill.userFeedback(store)
        XCTAssertEqual(feedback.count, .max)
        XCTAssertEqual(feedback.histogram.map(\.0), ["le_1e+300", "gt_1e+300"])
        XCTAssertEqual(feedback.histogram.map(\.1), [.max, 2])
    }
}
