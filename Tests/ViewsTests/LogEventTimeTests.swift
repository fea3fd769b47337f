import Semantics
import Store
import XCTest
@testable import CanvasKit
@testable import Views
import Telemetry
import PackedSpans

/// Log records attached to a span show their time from the span's start; a record without a time
/// (SDKs may leave it unset) shows when it was observed, and one with neither shows a dash.
final class LogEventTimeTests: XCTestCase {
    func testRecordsWithoutATimeUseTheirObservedTime() {
        let traceID = Fixtures.id(72)
        let t0 = Fixtures.now - 2 * Fixtures.second
        let origin = Origin(resource: [Attribute("service.name", .string("support-bot"))])
        let chat = RawSpan(traceID: traceID, spanID: SpanID(1), name: "chat gpt-4o-mini", kind: .client,
                           startNanos: t0, endNanos: t0 + 900_000_000,
                           attributes: [Attribute("gen_ai.operation.name", .string("chat"))], origin: origin)
        let logs = [
            RawLogRecord(timeNanos: 0, observedTimeNanos: t0 + 5_000_000, eventName: "gen_ai.user.message",
                         traceID: traceID, spanID: SpanID(1), origin: origin),
            RawLogRecord(timeNanos: t0 + 800_000_000, eventName: "gen_ai.choice", traceID: traceID, spanID: SpanID(1),
                         origin: origin),
            RawLogRecord(timeNanos: 0, eventName: "gen_ai.system.message", traceID: traceID, spanID: SpanID(1),
                         origin: origin),
        ]
        var store = TraceStore(pricing: DrillFixtures.pricing)
        store.apply(TelemetryBatch(spans: [chat], logs: logs), nowNanos: Fixtures.now)
        var drill = DrillState(traceID: traceID)
        drill.openSpanID = SpanID(1)
        let canvas = SpanScreenView.render(store.trace(traceID)!, summary: nil, drill: drill,
                                           size: Size(width: 100, height: 60), nowNanos: Fixtures.now, focused: true)
        let lines = canvas.plainText().map { $0.trimmingCharacters(in: .whitespaces) }
        let events = lines.drop { !$0.contains("Log events (3)") }.filter { $0.contains("gen_ai.") && !$0.contains("=") }
        XCTAssertEqual(events.map { $0.split(separator: " ").filter { !$0.isEmpty }.prefix(3).joined(separator: " ") },
                       ["│ — gen_ai.system.message", "│ +5ms gen_ai.user.message", "│ +0.8s gen_ai.choice"],
                       lines.joined(separator: "\n"))
    }
}
