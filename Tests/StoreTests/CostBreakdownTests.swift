import Semantics
import XCTest
@testable import Store
import Telemetry
import PackedSpans

/// Spend by service, session and agent: each call goes to its innermost agent; duplicates count once.
final class CostBreakdownTests: XCTestCase {
    private let pricing = CallPricing { call, _ in
        call.requestModel == "unpriced" ? nil : PricedCost(usd: Double(call.usage.input) / 1000, rule: "t")
    }

    private func span(_ trace: UInt64, _ id: UInt64, parent: UInt64, _ attributes: [Attribute], service: String = "app") -> RawSpan {
        RawSpan(traceID: TraceID(high: 8, low: trace), spanID: SpanID(id), parentSpanID: SpanID(parent), name: "s",
                startNanos: id, endNanos: id + 1, attributes: attributes,
                origin: Origin(resource: [Attribute("service.name", .string(service))]))
    }

    private func agent(_ name: String) -> [Attribute] {
        [Attribute("gen_ai.operation.name", .string("invoke_agent")), Attribute("gen_ai.agent.name", .string(name))]
    }

    private func chat(_ input: Int64, model: String = "m", session: String? = nil) -> [Attribute] {
        var attributes = [Attribute("gen_ai.operation.name", .string("chat")),
                          Attribute("gen_ai.request.model", .string(model)),
                          Attribute("gen_ai.usage.input_tokens", .int(input))]
        if let session { attributes.append(Attribute("gen_ai.conversation.id", .string(session))) }
        return attributes
    }

    func testCallsGoToTheirInnermostAgentServiceAndSession() throws {
        var store = TraceStore(pricing: pricing)
        store.apply(TelemetryBatch(spans: [
            span(1, 1, parent: 0, agent("orchestrator")),
            span(1, 2, parent: 1, chat(1000, session: "conv-1")),          // orchestrator: $1
            span(1, 3, parent: 1, agent("researcher")),
            span(1, 4, parent: 3, chat(2000, session: "conv-1")),          // researcher: $2
            span(1, 5, parent: 3, chat(10, model: "unpriced")),            // researcher: unpriced
            span(2, 6, parent: 0, chat(500), service: "batch"),             // no agent, no session: $0.50
        ]), nowNanos: 1)
        let report = Report(store: store)
        let orchestrator = try XCTUnwrap(report.agents.first { $0.name == "orchestrator" })
        XCTAssertEqual(orchestrator.count, 1)
        XCTAssertEqual(orchestrator.costUSD, 1.0)
        let researcher = try XCTUnwrap(report.agents.first { $0.name == "researcher" })
        XCTAssertEqual(researcher.llmCalls, 2)
        XCTAssertEqual(researcher.costUSD, 2.0)
        XCTAssertEqual(researcher.unpricedCalls, 1)
        XCTAssertEqual(report.services.map(\.name), ["app", "batch"])
        XCTAssertEqual(report.services.map(\.costUSD), [3.0, 0.5])
        XCTAssertEqual(report.services.map(\.count), [1, 1])
        XCTAssertEqual(report.sessions.map(\.name), ["conv-1"])
        XCTAssertEqual(report.sessions.first?.llmCalls, 3, "the trace's session covers its calls without one")
        XCTAssertEqual(report.sessions.first?.costUSD, 3.0)
    }
}
