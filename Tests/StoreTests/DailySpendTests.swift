import Semantics
import XCTest
@testable import Store
import Telemetry
import PackedSpans

/// Spend today, the projection to the end of the day and the budget status, with an injected clock.
final class DailySpendTests: XCTestCase {
    private let hour: UInt64 = 3_600_000_000_000
    /// 2026-11-30 00:00 UTC.
    private let midnight: UInt64 = 1_796_083_200 * 1_000_000_000

    private func call(_ id: UInt64, usd input: Int64) -> RawSpan {
        RawSpan(traceID: TraceID(high: 3, low: id), spanID: SpanID(id), parentSpanID: SpanID(0), name: "chat",
                startNanos: 1, endNanos: 2,
                attributes: [Attribute("gen_ai.operation.name", .string("chat")),
                             Attribute("gen_ai.request.model", .string("m")),
                             Attribute("gen_ai.usage.input_tokens", .int(input))],
                origin: Origin(resource: [Attribute("service.name", .string("svc"))]))
    }

    /// $1 per 1,000 input tokens.
    private let pricing = CallPricing { call, _ in PricedCost(usd: Double(call.usage.input) / 1000, rule: "test") }

    func testSpendTodayProjectionAndBudget() {
        var store = TraceStore(pricing: pricing)
        store.apply(TelemetryBatch(spans: [call(1, usd: 5_000)]), nowNanos: midnight - hour)       // yesterday: $5
        store.apply(TelemetryBatch(spans: [call(2, usd: 2_000)]), nowNanos: midnight + 6 * hour)   // today: $2
        store.apply(TelemetryBatch(spans: [call(3, usd: 1_000)]), nowNanos: midnight + 12 * hour)  // today: $1
        let burn = store.snapshot(nowNanos: midnight + 12 * hour).burn
        XCTAssertEqual(burn.spentTodayUSD, 3)
        XCTAssertEqual(burn.hourlyPaceUSD, 1, "the last hour saw $1")
        XCTAssertEqual(burn.projectedTodayUSD, 15, accuracy: 1e-9, "$3 + 12 h × $1/h")
        XCTAssertEqual(burn.budgetStatus(dailyBudgetUSD: 20), .within)
        XCTAssertEqual(burn.budgetStatus(dailyBudgetUSD: 10), .projectedOver(secondsLeft: 7 * 3600))
        XCTAssertEqual(burn.budgetStatus(dailyBudgetUSD: 3), .spent)
    }

    func testTheLocalDayFollowsTheUTCOffset() {
        var store = TraceStore(pricing: pricing, utcOffsetSeconds: -5 * 3600)
        // 03:00 UTC is 22:00 the day before at UTC−5.
        store.apply(TelemetryBatch(spans: [call(1, usd: 1_000)]), nowNanos: midnight + 3 * hour)
        XCTAssertEqual(store.snapshot(nowNanos: midnight + 3 * hour).burn.spentTodayUSD, 1)
        XCTAssertEqual(store.snapshot(nowNanos: midnight + 6 * hour).burn.spentTodayUSD, 0, "past local midnight")
    }
}
