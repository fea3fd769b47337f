import Semantics
import XCTest
@testable import Store
import Telemetry
import PackedSpans

/// `/metrics` carries the series the article's Grafana queries use, by request model.
final class PrometheusSeriesTests: XCTestCase {
    private func chat(_ id: UInt64, model: String, input: Int64, output: Int64, seconds: Double) -> RawSpan {
        RawSpan(traceID: TraceID(high: 5, low: id), spanID: SpanID(id), parentSpanID: SpanID(0), name: "chat",
                startNanos: 1_000_000_000, endNanos: 1_000_000_000 + UInt64(seconds * 1e9),
                attributes: [Attribute("gen_ai.operation.name", .string("chat")),
                             Attribute("gen_ai.system", .string("openai")),
                             Attribute("gen_ai.request.model", .string(model)),
                             Attribute("gen_ai.response.model", .string(model + "-2024-08-06")),
                             Attribute("gen_ai.usage.input_tokens", .int(input)),
                             Attribute("gen_ai.usage.output_tokens", .int(output))],
                origin: Origin(resource: [Attribute("service.name", .string("svc"))]))
    }

    func testCountersAndHistogramByRequestModel() {
        // $1 per 1,000 input tokens: 100,000 millicents each.
        var store = TraceStore(pricing: CallPricing { call, _ in PricedCost(usd: Double(call.usage.input) / 1000, rule: "t") })
        store.apply(TelemetryBatch(spans: [chat(1, model: "gpt-4o", input: 1000, output: 10, seconds: 0.3),
                                           chat(2, model: "gpt-4o", input: 500, output: 5, seconds: 3.0)]), nowNanos: 1)
        let text = store.prometheus.exposition()
        let labels = #"gen_ai_request_model="gpt-4o",gen_ai_system="openai",gen_ai_operation_name="chat""#
        XCTAssertTrue(text.contains("gen_ai_client_cost_millicents_total{\(labels)} 150000\n"), text)
        XCTAssertTrue(text.contains("gen_ai_client_token_usage_total{\(labels),gen_ai_token_type=\"input\"} 1500\n"), text)
        XCTAssertTrue(text.contains("gen_ai_client_token_usage_total{\(labels),gen_ai_token_type=\"output\"} 15\n"), text)
        // Buckets are cumulative: 0.3 s falls in le=0.32 and above, 3.0 s in le=5.12 and above.
        XCTAssertTrue(text.contains("gen_ai_client_operation_duration_seconds_bucket{\(labels),le=\"0.16\"} 0\n"), text)
        XCTAssertTrue(text.contains("gen_ai_client_operation_duration_seconds_bucket{\(labels),le=\"0.32\"} 1\n"), text)
        XCTAssertTrue(text.contains("gen_ai_client_operation_duration_seconds_bucket{\(labels),le=\"5.12\"} 2\n"), text)
        XCTAssertTrue(text.contains("gen_ai_client_operation_duration_seconds_bucket{\(labels),le=\"+Inf\"} 2\n"), text)
        XCTAssertTrue(text.contains("gen_ai_client_operation_duration_seconds_count{\(labels)} 2\n"), text)
        XCTAssertTrue(text.contains("# TYPE gen_ai_client_operation_duration_seconds histogram\n"))
    }

    func testLabelValuesAreEscaped() {
        var store = TraceStore(pricing: CallPricing { _, _ in PricedCost(usd: 0.00001, rule: "t") })
        store.apply(TelemetryBatch(spans: [chat(1, model: "a\"b\\c\nd", input: 1, output: 1, seconds: 0.1)]), nowNanos: 1)
        XCTAssertTrue(store.prometheus.exposition().contains(#"gen_ai_client_cost_millicents_total{gen_ai_request_model="a\"b\\c\nd","#
                                                             + #"gen_ai_system="openai",gen_ai_operation_name="chat"} 1"# + "\n"))
    }

    func testFractionalCostsAddUp() {
        // $0.000015 and $0.00002: 1.5 and 2 millicents.
        var store = TraceStore(pricing: CallPricing { call, _ in PricedCost(usd: Double(call.usage.input) / 1_000_000, rule: "t") })
        store.apply(TelemetryBatch(spans: [chat(1, model: "m", input: 15, output: 0, seconds: 0.1),
                                           chat(2, model: "m", input: 20, output: 0, seconds: 0.1)]), nowNanos: 1)
        let line = store.prometheus.exposition().split(separator: "\n").first { $0.hasPrefix("gen_ai_client_cost_millicents_total{") }
        XCTAssertEqual(line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0, 3.5, accuracy: 1e-9)
    }
}
