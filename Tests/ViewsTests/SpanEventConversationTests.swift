import SnapshotTesting
import Semantics
import Store
import XCTest
@testable import CanvasKit
@testable import Views
import Telemetry
import PackedSpans

/// The span screen's conversation when the messages come as v1.28 events sent as span events (their
/// body's fields as attributes), as some senders, and `tokentop load`, export them.
final class SpanEventConversationTests: XCTestCase {
    let traceID = Fixtures.id(71)
    let t0 = Fixtures.now - 2 * Fixtures.second

    var entry: TraceEntry {
        let chat = RawSpan(
            traceID: traceID, spanID: SpanID(1), name: "chat gpt-4o-mini", kind: .client,
            startNanos: t0, endNanos: t0 + 1_400_000_000,
            attributes: [Attribute("gen_ai.operation.name", .string("chat")),
                         Attribute("gen_ai.provider.name", .string("openai")),
                         Attribute("gen_ai.request.model", .string("gpt-4o-mini")),
                         Attribute("gen_ai.usage.input_tokens", .int(1_440)),
                         Attribute("gen_ai.usage.output_tokens", .int(583))],
            events: [
                SpanEvent(timeNanos: t0 + 1_000, name: "gen_ai.system.message",
                          attributes: [Attribute("content", .string("You compare subscription plans."))]),
                SpanEvent(timeNanos: t0 + 2_000, name: "gen_ai.user.message",
                          attributes: [Attribute("gen_ai.provider.name", .string("openai")),
                                       Attribute("content", .string("Which plan fits a team of 5 on $200 a month?"))]),
                SpanEvent(timeNanos: t0 + 1_399_000_000, name: "gen_ai.choice",
                          attributes: [Attribute("index", .int(0)), Attribute("finish_reason", .string("stop")),
                                       Attribute("message", .string("The Team plan: $60 a month, within budget."))]),
            ],
            origin: Origin(resource: [Attribute("service.name", .string("support-bot"))], scopeName: "manual"))
        var store = TraceStore(pricing: DrillFixtures.pricing)
        store.apply(TelemetryBatch(spans: [chat]), nowNanos: Fixtures.now)
        return store.trace(traceID)!
    }

    func testSpanScreenShowsTheTurnsOfSpanEvents() {
        var drill = DrillState(traceID: traceID)
        drill.openSpanID = SpanID(1)
        let canvas = SpanScreenView.render(entry, summary: nil, drill: drill, size: Size(width: 100, height: 24),
                                           nowNanos: Fixtures.now, focused: true)
        assertSnapshot(of: canvas, as: .frame, named: "100x24")
        let text = canvas.plainText().joined(separator: "\n")
        XCTAssertTrue(text.contains("Conversation (3)"), text)
        XCTAssertTrue(text.contains("The Team plan: $60 a month"), text)
    }
}
