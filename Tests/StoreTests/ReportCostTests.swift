import Semantics
import XCTest
@testable import Store
import Telemetry
import PackedSpans

/// How the report sums computed costs, with a stand-in price list: gpt-4o at $1 per 1,000 input and
/// $2 per 1,000 output tokens; nothing else has a price.
final class ReportCostTests: XCTestCase {
    private let pricing = CallPricing { call, _ in
        guard call.model.hasPrefix("gpt-4o") else { return nil }
        return PricedCost(usd: Double(call.usage.input) / 1000 + Double(call.usage.output) * 2 / 1000, rule: "test/gpt-4o")
    }

    private func chat(_ id: UInt64, model: String, input: Int64?, output: Int64 = 0) -> RawSpan {
        var attributes = [Attribute("gen_ai.operation.name", .string("chat")),
                          Attribute("gen_ai.provider.name", .string("openai")),
                          Attribute("gen_ai.request.model", .string(model))]
        if let input {
            attributes += [Attribute("gen_ai.usage.input_tokens", .int(input)),
                           Attribute("gen_ai.usage.output_tokens", .int(output))]
        }
        return RawSpan(traceID: TraceID(high: 1, low: id), spanID: SpanID(id), parentSpanID: SpanID(0), name: "chat",
                       startNanos: 1, endNanos: 2, attributes: attributes,
                       origin: Origin(resource: [Attribute("service.name", .string("svc"))], scopeName: "s"))
    }

    func testPricedUnpricedAndTokenlessCalls() throws {
        var store = TraceStore(pricing: pricing)
        store.apply(TelemetryBatch(spans: [
            chat(1, model: "gpt-4o", input: 1000, output: 500),     // $1 + $1
            chat(2, model: "gpt-4o", input: 3000, output: 0),       // $3
            chat(3, model: "gpt-4o", input: nil),                    // failed call, no tokens: nothing to price
            chat(4, model: "my-finetune", input: 10, output: 10),   // no price: unpriced, never $0
        ]), nowNanos: 1_000_000_000)
        let report = Report(store: store)
        let gpt = try XCTUnwrap(report.models.first { $0.model == "gpt-4o" })
        XCTAssertEqual(gpt.costUSD, 5.0)
        XCTAssertEqual(gpt.unpricedCalls, 0)
        XCTAssertEqual(gpt.priceRule, "test/gpt-4o")
        let tuned = try XCTUnwrap(report.models.first { $0.model == "my-finetune" })
        XCTAssertNil(tuned.costUSD)
        XCTAssertEqual(tuned.unpricedCalls, 1)
        XCTAssertEqual(store.windows.usage(window: .oneMinute, nowNanos: 1_000_000_000).costUSD, 5.0)
        XCTAssertEqual(store.windows.usage(window: .oneMinute, nowNanos: 1_000_000_000).unpricedCalls, 1)
    }

    func testMetricsOnlyModelsArePricedPerAverageCall() throws {
        var store = TraceStore(pricing: pricing)
        func point(_ type: String, _ value: Double) -> RawMetricPoint {
            RawMetricPoint(metricName: "gen_ai.client.token.usage", unit: "{token}", kind: .histogram,
                           temporality: .cumulative, isMonotonic: false,
                           attributes: [Attribute("gen_ai.token.type", .string(type)),
                                        Attribute("gen_ai.system", .string("openai")),
                                        Attribute("gen_ai.request.model", .string("gpt-4o"))],
                           startNanos: 1, timeNanos: 5,
                           value: .histogram(HistogramValue(count: 3, sum: value, bounds: [], bucketCounts: [3])),
                           origin: Origin(resource: [Attribute("service.name", .string("metrics-only"))]))
        }
        store.apply(TelemetryBatch(metrics: [point("input", 3001), point("output", 600)]), nowNanos: 1)
        let model = try XCTUnwrap(Report(store: store).models.first)
        XCTAssertTrue(model.fromMetrics)
        XCTAssertEqual(model.calls, 3)
        // 3 calls of 1000 in / 200 out = 3 × $1.40, plus 1 input token left over = $0.001.
        XCTAssertEqual(try XCTUnwrap(model.costUSD), 4.201, accuracy: 1e-12)
        XCTAssertEqual(model.priceRule, "test/gpt-4o (from metrics)")
    }
}
