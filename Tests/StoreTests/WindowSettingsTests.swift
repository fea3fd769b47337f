import Foundation
import Semantics
import XCTest
@testable import Store
import Telemetry
import PackedSpans

/// Configured windows with an injected clock: the header, the model rows and the Quality pane follow
/// the windows chosen; every figure is computed by hand here.
final class WindowSettingsTests: XCTestCase {
    private let second: UInt64 = 1_000_000_000
    private let start: UInt64 = 1_700_000_040 * 1_000_000_000   // a whole minute
    /// $1 per 1,000 input tokens.
    private let pricing = CallPricing { call, _ in PricedCost(usd: Double(call.usage.input) / 1000, rule: "test") }

    private func chat(_ id: UInt64, input: Int64, finish: String = "stop", error: Bool = false) -> RawSpan {
        RawSpan(traceID: TraceID(high: 1, low: id), spanID: SpanID(id), parentSpanID: SpanID(0), name: "chat",
                startNanos: 1, endNanos: 2,
                attributes: [Attribute("gen_ai.operation.name", .string("chat")),
                             Attribute("gen_ai.provider.name", .string("openai")),
                             Attribute("gen_ai.request.model", .string("m")),
                             Attribute("gen_ai.usage.input_tokens", .int(input)),
                             Attribute("gen_ai.usage.output_tokens", .int(0)),
                             Attribute("gen_ai.response.finish_reasons", .array([.string(finish)]))],
                statusCode: error ? .error : .unset,
                origin: Origin(resource: [Attribute("service.name", .string("svc"))], scopeName: "s"))
    }

    func testDefaultsAreOneMinuteFiveMinutesAndSinceStart() {
        let standard = WindowSettings.standard
        XCTAssertEqual(standard.windows, [.oneMinute, .fiveMinutes, .oneHour])
        XCTAssertEqual(standard.burn, .oneMinute)
        XCTAssertEqual(standard.cost, .fiveMinutes)
        XCTAssertNil(standard.quality)
        // One window serves both figures; the order written does not matter.
        let one = WindowSettings(windows: [UsageWindows.Window(seconds: 90)])
        XCTAssertEqual(one.burn.seconds, 90)
        XCTAssertEqual(one.cost.seconds, 90)
        XCTAssertEqual(WindowSettings(windows: [.oneHour, UsageWindows.Window(seconds: 30)]).burn.seconds, 30)
        XCTAssertEqual(UsageWindows.Window(seconds: 5400).label, "1h30m")
        XCTAssertEqual(UsageWindows.Window(seconds: 45).label, "45s")
    }

    func testHeaderAndModelRatesFollowTheChosenWindows() throws {
        let settings = WindowSettings(windows: [UsageWindows.Window(seconds: 30), UsageWindows.Window(seconds: 7200)])
        var store = TraceStore(pricing: pricing, windowSettings: settings)
        // 90 minutes ago 3,000 tokens ($3); 10 s ago 600 tokens ($0.60).
        store.apply(TelemetryBatch(spans: [chat(1, input: 3000)]), nowNanos: start - 5400 * second)
        store.apply(TelemetryBatch(spans: [chat(2, input: 600)]), nowNanos: start - 10 * second)
        let snapshot = store.snapshot(nowNanos: start)
        // Tokens/s over 30 s: 600 / 30.
        XCTAssertEqual(snapshot.burn.tokensPerSecond, 20, accuracy: 1e-9)
        // $/h over two hours (whole minutes): $3.60 / 2 h.
        XCTAssertEqual(snapshot.burn.dollarsPerHour, 1.8, accuracy: 1e-9)
        let model = try XCTUnwrap(snapshot.models.first)
        XCTAssertEqual(model.minute.inputPerSecond, 20, accuracy: 1e-9)
        XCTAssertEqual(model.dollarsPerHour, 1.8, accuracy: 1e-9)
        // The budget's pace stays the last hour's: only the $0.60.
        XCTAssertEqual(snapshot.burn.hourlyPaceUSD, 0.6, accuracy: 1e-9)
        XCTAssertEqual(snapshot.windows, settings)
        // Past two hours the old call drops out.
        XCTAssertEqual(store.snapshot(nowNanos: start + 1800 * second).burn.dollarsPerHour, 0.3, accuracy: 1e-9)
    }

    func testQualityPaneAndAlertsOverTheQualityWindow() {
        let settings = WindowSettings(windows: [.oneMinute, .fiveMinutes], quality: .oneMinute)
        var store = TraceStore(pricing: pricing, alertThresholds: AlertThresholds(errors: 0.2, minimumCalls: 4),
                               windowSettings: settings)
        // Two minutes ago: four truncated calls, two failed.
        store.apply(TelemetryBatch(spans: (1...4).map { chat($0, input: 10, finish: "length", error: $0 <= 2) }),
                    nowNanos: start - 120 * second)
        XCTAssertEqual(Set(store.alerts.active.map(\.name)), ["truncation", "errors"])
        // Now: five healthy calls. Only they are in the last minute, and the alerts clear.
        store.apply(TelemetryBatch(spans: (5...9).map { chat($0, input: 10) }), nowNanos: start)
        let quality = store.snapshot(nowNanos: start).quality
        XCTAssertEqual(quality.calls, 5)
        XCTAssertEqual(quality.responses, 5)
        XCTAssertEqual(quality.truncated, 0)
        XCTAssertEqual(quality.errors, 0)
        XCTAssertEqual(quality.window, .oneMinute)
        XCTAssertEqual(quality.errorThreshold, 0.2)
        XCTAssertEqual(store.alerts.active, [])
    }

    func testAWindowedAlertClearsOnceItsCallsLeaveTheWindow() {
        let settings = WindowSettings(windows: [.oneMinute], quality: .oneMinute)
        let clock = ManualClock(start - 120 * second)
        let live = LiveStore(pricing: pricing, alertThresholds: AlertThresholds(minimumCalls: 4), windowSettings: settings,
                             clock: { clock.now })
        live.apply(TelemetryBatch(spans: (1...4).map { chat($0, input: 10, finish: "length") }))
        XCTAssertEqual(live.snapshot().quality.alerts.map(\.name), ["truncation"])
        // Nothing arrives; a minute later the window is empty and the alert is gone.
        clock.now = start - 30 * second
        XCTAssertEqual(live.snapshot().quality.alerts, [])
        XCTAssertEqual(live.snapshot().quality.calls, 0)
    }

    func testSinceStartAlertsStayWithoutNewCalls() {
        var store = TraceStore(pricing: pricing, alertThresholds: AlertThresholds(minimumCalls: 4))
        store.apply(TelemetryBatch(spans: (1...4).map { chat($0, input: 10, finish: "length") }), nowNanos: start)
        store.refreshWindowedAlerts(nowNanos: start + 7200 * second)
        XCTAssertEqual(store.alerts.active.map(\.name), ["truncation"])
    }

    func testSinceStartQualityCountsEveryCall() {
        var store = TraceStore(pricing: pricing, alertThresholds: AlertThresholds(errors: 0.2, minimumCalls: 4))
        store.apply(TelemetryBatch(spans: (1...4).map { chat($0, input: 10, finish: "length", error: $0 <= 2) }),
                    nowNanos: start - 120 * second)
        store.apply(TelemetryBatch(spans: (5...9).map { chat($0, input: 10) }), nowNanos: start)
        let quality = store.snapshot(nowNanos: start).quality
        XCTAssertEqual(quality.calls, 9)
        XCTAssertEqual(quality.truncated, 4)
        XCTAssertNil(quality.window)
        // 4/9 truncated stays above 80 % of 5 %; 2/9 errors is above the 20 % error threshold.
        XCTAssertEqual(Set(store.alerts.active.map(\.name)), ["truncation", "errors"])
    }

    func testHysteresisAndMinimumCallsAreSettable() {
        var monitor = AlertMonitor(rules: AlertMonitor.rules(AlertThresholds(truncation: 0.1, minimumCalls: 2, clearFraction: 0.5)))
        monitor.evaluate(["truncation": (0.5, 1)], nowNanos: 1)
        XCTAssertEqual(monitor.active, [])
        monitor.evaluate(["truncation": (0.5, 2)], nowNanos: 2)
        XCTAssertEqual(monitor.active.map(\.sinceNanos), [2])
        monitor.evaluate(["truncation": (0.06, 3)], nowNanos: 3)   // under the threshold, above half of it
        XCTAssertEqual(monitor.active.map(\.sinceNanos), [2])
        monitor.evaluate(["truncation": (0.04, 4)], nowNanos: 4)
        XCTAssertEqual(monitor.active, [])
    }
}

/// The headless summary reports the burn over each configured window; a report of files has none.
final class ReportBurnTests: XCTestCase {
    func testBurnPerWindowInTheLiveSummary() throws {
        let second: UInt64 = 1_000_000_000
        let now: UInt64 = 1_700_000_040 * second
        let pricing = CallPricing { call, _ in PricedCost(usd: Double(call.usage.input) / 1000, rule: "test") }
        var store = TraceStore(pricing: pricing, windowSettings: WindowSettings(windows: [UsageWindows.Window(seconds: 30), .oneHour]))
        func chat(_ id: UInt64, input: Int64, output: Int64) -> RawSpan {
            RawSpan(traceID: TraceID(high: 2, low: id), spanID: SpanID(id), parentSpanID: SpanID(0), name: "chat",
                    startNanos: 1, endNanos: 2,
                    attributes: [Attribute("gen_ai.operation.name", .string("chat")),
                                 Attribute("gen_ai.provider.name", .string("openai")),
                                 Attribute("gen_ai.request.model", .string("m")),
                                 Attribute("gen_ai.usage.input_tokens", .int(input)),
                                 Attribute("gen_ai.usage.output_tokens", .int(output))],
                    origin: Origin(resource: [Attribute("service.name", .string("svc"))], scopeName: "s"))
        }
        // 20 minutes ago 1,800 in ($1.80); 5 s ago 300 in / 60 out ($0.30).
        store.apply(TelemetryBatch(spans: [chat(1, input: 1800, output: 0)]), nowNanos: now - 1200 * second)
        store.apply(TelemetryBatch(spans: [chat(2, input: 300, output: 60)]), nowNanos: now - 5 * second)
        XCTAssertEqual(Report(store: store).burn, [])
        let report = Report(store: store, nowNanos: now)
        XCTAssertEqual(report.burn.map(\.window.label), ["30s", "1h"])
        XCTAssertEqual(report.burn.map(\.calls), [1, 2])
        XCTAssertEqual(report.burn[0].rates.inputPerSecond, 10, accuracy: 1e-9)
        XCTAssertEqual(report.burn[0].rates.outputPerSecond, 2, accuracy: 1e-9)
        XCTAssertEqual(report.burn[0].rates.dollarsPerHour, 36, accuracy: 1e-9)   // $0.30 per 30 s
        XCTAssertEqual(report.burn[1].rates.dollarsPerHour, 2.1, accuracy: 1e-9)
        let json = report.json.rendered()
        XCTAssertTrue(json.contains(#""window": "30s""#) || json.contains(#""window":"30s""#), json)
        XCTAssertTrue(ReportTable.render(report).contains("last 30s: 1 calls, 10.0 in + 2.00 out tok/s, $36.0000/h"),
                      ReportTable.render(report))
    }
}

/// A clock a test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: UInt64
    init(_ value: UInt64) { self.value = value }
    var now: UInt64 {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
