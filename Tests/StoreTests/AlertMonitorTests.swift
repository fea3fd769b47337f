import Semantics
import XCTest
@testable import Store
import Telemetry
import PackedSpans

/// The live quality alerts fire past their threshold, remember when, and clear only well below it.
final class AlertMonitorTests: XCTestCase {
    func testHysteresisAndStartTime() {
        var monitor = AlertMonitor()
        monitor.evaluate(["truncation": (0.5, 10)], nowNanos: 1)
        XCTAssertTrue(monitor.active.isEmpty, "10 calls are too few to judge")
        monitor.evaluate(["truncation": (0.06, 100)], nowNanos: 2)
        XCTAssertEqual(monitor.active, [AlertMonitor.Active(name: "truncation", value: 0.06, threshold: 0.05, sinceNanos: 2)])
        monitor.evaluate(["truncation": (0.045, 110)], nowNanos: 3)
        XCTAssertEqual(monitor.active.first?.sinceNanos, 2, "just under 5 %: still firing, same start")
        XCTAssertEqual(monitor.active.first?.value, 0.045)
        monitor.evaluate(["truncation": (0.039, 130)], nowNanos: 4)
        XCTAssertTrue(monitor.active.isEmpty, "below 4 % (80 % of the threshold) it clears")
        monitor.evaluate(["truncation": (0.051, 140), "retries": (0.11, 140)], nowNanos: 5)
        XCTAssertEqual(monitor.active.map(\.name), ["truncation", "retries"])
        XCTAssertEqual(monitor.active.map(\.sinceNanos), [5, 5])
    }

    func testTheStoreFeedsTheMonitorAndTheReportSaysSince() {
        var store = TraceStore()
        func chat(_ id: UInt64, finish: String) -> RawSpan {
            RawSpan(traceID: TraceID(high: 9, low: id), spanID: SpanID(id), parentSpanID: SpanID(0), name: "chat",
                    startNanos: 1, endNanos: 2,
                    attributes: [Attribute("gen_ai.operation.name", .string("chat")),
                                 Attribute("gen_ai.request.model", .string("m")),
                                 Attribute("gen_ai.response.finish_reasons", .array([.string(finish)]))],
                    origin: Origin(resource: [Attribute("service.name", .string("svc"))]))
        }
        // 19 fine calls, then two cut off: 1 of 20 is exactly 5 % (not above), 2 of 21 is 9.5 %.
        store.apply(TelemetryBatch(spans: (1...19).map { chat($0, finish: "stop") }), nowNanos: 100)
        store.apply(TelemetryBatch(spans: [chat(20, finish: "length")]), nowNanos: 200)
        store.apply(TelemetryBatch(spans: [chat(21, finish: "length")]), nowNanos: 300)
        XCTAssertEqual(store.alerts.active.map(\.sinceNanos), [300])
        let report = Report(store: store)
        XCTAssertEqual(report.alerts.first?.sinceNanos, 300)
        XCTAssertTrue(report.json.rendered().contains("\"since_unix_nano\": 300"), report.json.rendered())
    }
}
