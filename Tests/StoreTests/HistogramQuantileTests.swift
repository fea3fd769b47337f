import Semantics
import XCTest
@testable import Store
import Telemetry
import PackedSpans

/// Quantiles from bucket counts as Prometheus' histogram_quantile computes them, worked by hand.
final class HistogramQuantileTests: XCTestCase {
    func testLinearInterpolationInsideTheBucket() throws {
        // 40 observations: 10 in (0, 1], 20 in (1, 2], 10 in (2, 4].
        let bounds = [1.0, 2, 4], counts: [UInt64] = [10, 20, 10, 0]
        XCTAssertEqual(try XCTUnwrap(HistogramQuantile.estimate(0.5, bounds: bounds, counts: counts)), 1.5, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(HistogramQuantile.estimate(0.99, bounds: bounds, counts: counts)), 3.92, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(HistogramQuantile.estimate(0.1, bounds: bounds, counts: counts)), 0.4, accuracy: 1e-12,
                       "the first bucket starts at 0")
        XCTAssertEqual(HistogramQuantile.estimate(0.5, bounds: bounds, counts: [0, 0, 0, 5]), 4, "overflow: highest finite bound")
        XCTAssertNil(HistogramQuantile.estimate(0.5, bounds: bounds, counts: [0, 0, 0, 0]))
        XCTAssertNil(HistogramQuantile.estimate(0.5, bounds: bounds, counts: [1, 2]))
    }

    func testMetricsOnlyReportsEstimateLatencyFromDurationHistograms() throws {
        var store = TraceStore()
        func point(_ model: String, _ counts: [UInt64]) -> RawMetricPoint {
            RawMetricPoint(metricName: "gen_ai.client.operation.duration", unit: "s", kind: .histogram,
                           temporality: .cumulative, isMonotonic: false,
                           attributes: [Attribute("gen_ai.request.model", .string(model))], startNanos: 1, timeNanos: 2,
                           value: .histogram(HistogramValue(count: counts.reduce(0, +), sum: 1, bounds: [1, 2, 4],
                                                            bucketCounts: counts)),
                           origin: Origin(resource: [Attribute("service.name", .string("metrics-only"))]))
        }
        // Two models' histograms add up to the 10/20/10 example.
        store.apply(TelemetryBatch(metrics: [point("a", [5, 10, 5, 0]), point("b", [5, 10, 5, 0])]), nowNanos: 1)
        let latency = Report(store: store).latency
        XCTAssertEqual(try XCTUnwrap(latency.p50), 1.5, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(latency.p99), 3.92, accuracy: 1e-12)
    }
}
