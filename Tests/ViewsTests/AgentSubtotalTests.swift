import SnapshotTesting
import Semantics
import Store
import XCTest
@testable import CanvasKit
@testable import Views
import Telemetry
import PackedSpans

/// Cost per agent run on the trace screen: each agent span shows the tokens and cost of the calls beneath it.
final class AgentSubtotalTests: XCTestCase {
    let traceID = Fixtures.id(61)
    let t0 = Fixtures.now - 3 * Fixtures.second
    let origin = Origin(resource: [Attribute("service.name", .string("research-app"))], scopeName: "openai_v2")
    let otherScope = Origin(resource: [Attribute("service.name", .string("research-app"))], scopeName: "openllmetry")

    func span(_ id: UInt64, parent: UInt64, _ name: String, from start: Double, to end: Double,
              _ attributes: [(String, AttributeValue)], origin: Origin? = nil) -> RawSpan {
        RawSpan(traceID: traceID, spanID: SpanID(id), parentSpanID: SpanID(parent), name: name,
                startNanos: t0 + UInt64(start * 1e9), endNanos: t0 + UInt64(end * 1e9),
                attributes: attributes.map { Attribute($0.0, $0.1) }, origin: origin ?? self.origin)
    }

    func agent(_ id: UInt64, parent: UInt64, _ name: String, from start: Double, to end: Double) -> RawSpan {
        span(id, parent: parent, "invoke_agent " + name, from: start, to: end,
             [("gen_ai.operation.name", .string("invoke_agent")), ("gen_ai.agent.name", .string(name))])
    }

    func chat(_ id: UInt64, parent: UInt64, model: String, from start: Double, to end: Double, input: Int64, output: Int64,
              responseID: String) -> RawSpan {
        span(id, parent: parent, "chat " + model, from: start, to: end, [
            ("gen_ai.operation.name", .string("chat")), ("gen_ai.provider.name", .string("openai")),
            ("gen_ai.request.model", .string(model)), ("gen_ai.usage.input_tokens", .int(input)),
            ("gen_ai.usage.output_tokens", .int(output)), ("gen_ai.response.id", .string(responseID)),
        ])
    }

    /// An orchestrator that plans, then hands over to a researcher with two calls (one unpriced) and a
    /// tool; the researcher's first call is also reported by a second instrumentation.
    var entry: TraceEntry {
        let spans = [
            agent(1, parent: 0, "orchestrator", from: 0, to: 2.5),
            chat(2, parent: 1, model: "gpt-4o", from: 0.1, to: 0.5, input: 100, output: 20, responseID: "r-plan"),
            agent(3, parent: 1, "researcher", from: 0.6, to: 2.4),
            chat(4, parent: 3, model: "gpt-4o", from: 0.7, to: 1.2, input: 1000, output: 200, responseID: "r-search"),
            span(5, parent: 3, "openai.chat", from: 0.7, to: 1.2, [
                ("gen_ai.system", .string("openai")), ("gen_ai.request.model", .string("gpt-4o")),
                ("gen_ai.usage.input_tokens", .int(1000)), ("gen_ai.response.id", .string("r-search")),
            ], origin: otherScope),
            span(6, parent: 3, "execute_tool web-search", from: 1.3, to: 1.6,
                 [("gen_ai.operation.name", .string("execute_tool")), ("gen_ai.tool.name", .string("web-search"))]),
            chat(7, parent: 3, model: "my-finetune", from: 1.7, to: 2.3, input: 50, output: 10, responseID: "r-tune"),
        ]
        var store = TraceStore(pricing: DrillFixtures.pricing)
        store.apply(TelemetryBatch(spans: spans), nowNanos: Fixtures.now)
        return store.trace(traceID)!
    }

    func testAgentRowsAddUpTheCallsBeneathThem() throws {
        let tree = TraceTree(entry, nowNanos: Fixtures.now)
        let rows = Dictionary(uniqueKeysWithValues: tree.rows.map { ($0.span.packed.spanID.value, $0) })
        let orchestrator = try XCTUnwrap(rows[1]?.subtotal), researcher = try XCTUnwrap(rows[3]?.subtotal)
        // gpt-4o at $2.50 / $10 per million tokens; my-finetune has no price; the duplicate counts once.
        let plan = 100 * 2.5e-6 + 20 * 10e-6, search = 1000 * 2.5e-6 + 200 * 10e-6
        XCTAssertEqual(researcher.calls, 2)
        XCTAssertEqual(researcher.usage.input, 1050)
        XCTAssertEqual(researcher.usage.output, 210)
        XCTAssertEqual(try XCTUnwrap(researcher.costUSD), search, accuracy: 1e-12)
        XCTAssertEqual(researcher.unpricedCalls, 1)
        XCTAssertEqual(orchestrator.calls, 3, "a run includes its sub-agents' calls")
        XCTAssertEqual(orchestrator.usage.input, 1150)
        XCTAssertEqual(orchestrator.usage.output, 230)
        XCTAssertEqual(try XCTUnwrap(orchestrator.costUSD), plan + search, accuracy: 1e-12)
        XCTAssertNil(rows[2]?.subtotal, "calls and tools carry their own figures")
        XCTAssertNil(rows[6]?.subtotal)
    }

    func testTraceScreenShowsEachAgentRunsSubtotal() {
        var drill = DrillState(traceID: traceID)
        drill.selectedRow = 2
        let canvas = TraceScreenView.render(entry, summary: nil, drill: drill, size: Size(width: 110, height: 12),
                                            nowNanos: Fixtures.now, focused: true)
        assertSnapshot(of: canvas, as: .frame, named: "110x12")
    }
}
