import Semantics
import XCTest
import Telemetry

final class EdgeCaseTests: XCTestCase {
    let origin = Origin(resource: [])

    func span(_ attributes: [Attribute], name: String = "x", events: [SpanEvent] = []) -> RawSpan {
        RawSpan(traceID: TraceID(high: 1, low: 1), spanID: SpanID(1), name: name, startNanos: 100, endNanos: 200,
                attributes: attributes, events: events, origin: origin)
    }

    func testPlainSpanStaysPlain() {
        XCTAssertEqual(Normalizer.role(of: span([Attribute("http.method", .string("GET"))])), .plain)
    }

    func testUnknownAttributeTypesDoNotBreakNormalization() {
        let role = Normalizer.role(of: span([
            Attribute("gen_ai.operation.name", .string("chat")),
            Attribute("gen_ai.usage.input_tokens", .bytes([1, 2])),
            Attribute("gen_ai.usage.output_tokens", .map([])),
            Attribute("gen_ai.response.finish_reasons", .array([])),
            Attribute("gen_ai.request.model", .empty),
        ]))
        let call = role.llm!
        XCTAssertEqual(call.usage, .zero)
        XCTAssertFalse(call.hasUsage)
        XCTAssertEqual(call.finishReasons, [])
        XCTAssertEqual(call.model, "")
    }

    func testFinishReasonsAsAStringAOneItemListOrSeveralAreNormalized() {
        func reasons(_ value: AttributeValue) -> (raw: [String], normalized: [String]) {
            let call = Normalizer.role(of: span([Attribute("gen_ai.operation.name", .string("chat")),
                                                 Attribute("gen_ai.response.finish_reasons", value)])).llm!
            return (call.rawFinishReasons, call.finishReasons)
        }
        XCTAssertTrue(reasons(.string("max_tokens")) == (["max_tokens"], ["length"]))
        XCTAssertTrue(reasons(.array([.string("tool_calls")])) == (["tool_calls"], ["tool_call"]))
        XCTAssertTrue(reasons(.array([.string("end_turn"), .string("Refusal")])) == (["end_turn", "Refusal"], ["stop", "content_filter"]))
        XCTAssertTrue(reasons(.array([.string("Stopped_Early")])) == (["Stopped_Early"], ["stopped_early"]), "an uncommon reason")
        XCTAssertTrue(reasons(.array([.int(3)])) == ([], []), "not text")
    }

    func testKeysOfEveryLengthAreFound() {
        // Keys past 63 bytes share one length slot in the lookup; keys of equal length must not be confused.
        let long = "gen_ai." + String(repeating: "x", count: 70)
        let attributes = [Attribute(long, .string("long")), Attribute("gen_ai.operation.name", .string("chat")),
                          Attribute("gen_ai.provider.name", .string("openai")), Attribute("gen_ai.request.model", .string("m"))]
        let call = Normalizer.role(of: span(attributes)).llm!
        XCTAssertEqual(call.provider, "openai")
        XCTAssertEqual(call.requestModel, "m")
        XCTAssertEqual(Normalizer.sessionID([Attribute(long, .string("a")),
                                             Attribute("traceloop.association.properties.conversation_id", .string("c"))]), "c")
    }

    func testTokensSentAsStringsOrDoublesAreRead() {
        let call = Normalizer.role(of: span([
            Attribute("gen_ai.operation.name", .string("chat")),
            Attribute("gen_ai.usage.input_tokens", .string("12")),
            Attribute("gen_ai.usage.output_tokens", .double(7)),
        ])).llm!
        XCTAssertEqual(call.usage.input, 12)
        XCTAssertEqual(call.usage.output, 7)
    }

    func testDeprecatedPromptTokensAndSystem() {
        let call = Normalizer.role(of: span([
            Attribute("gen_ai.system", .string("OpenAI")),
            Attribute("gen_ai.request.model", .string("gpt-4o")),
            Attribute("gen_ai.usage.prompt_tokens", .int(30)),
            Attribute("gen_ai.usage.completion_tokens", .int(4)),
        ])).llm!
        XCTAssertEqual(call.provider, "openai")
        XCTAssertEqual(call.usage, TokenUsage(input: 30, output: 4))
    }

    func testTraceloopWorkflowAndAgentKinds() {
        XCTAssertEqual(Normalizer.role(of: span([Attribute("traceloop.span.kind", .string("workflow"))])), .workflow("workflow"))
        let agent = Normalizer.role(of: span([Attribute("traceloop.span.kind", .string("agent")),
                                              Attribute("traceloop.entity.name", .string("planner"))], name: "planner.agent"))
        XCTAssertEqual(agent.agent?.name, "planner")
    }

    func testOTelAgentAndToolOperations() {
        let agent = Normalizer.role(of: span([Attribute("gen_ai.operation.name", .string("invoke_agent"))],
                                             name: "invoke_agent travel-planner"))
        XCTAssertEqual(agent.agent?.name, "travel-planner")
        let tool = Normalizer.role(of: span([Attribute("gen_ai.operation.name", .string("execute_tool")),
                                             Attribute("gen_ai.tool.name", .string("get_weather"))]))
        XCTAssertEqual(tool.tool?.name, "get_weather")
    }

    func testEvaluationAndTimeToFirstChunkAttribute() {
        let call = Normalizer.role(of: span([
            Attribute("gen_ai.operation.name", .string("chat")),
            Attribute("gen_ai.response.time_to_first_chunk", .double(0.25)),
        ])).llm!
        XCTAssertEqual(call.timeToFirstTokenSeconds, 0.25)
        XCTAssertEqual(call.streaming, true)
    }

    func testLogEventConversationBeforeV137() {
        let trace = TraceID(high: 1, low: 1), spanID = SpanID(1)
        func log(_ name: String, _ body: AttributeValue, at t: UInt64) -> RawLogRecord {
            RawLogRecord(timeNanos: t, eventName: name, body: body, traceID: trace, spanID: spanID, origin: origin)
        }
        let logs = [
            log("gen_ai.choice", .map([Attribute("index", .int(0)), Attribute("finish_reason", .string("stop")),
                                       Attribute("message", .map([Attribute("content", .string("Paris"))]))]), at: 3),
            log("gen_ai.system.message", .map([Attribute("content", .string("Be brief"))]), at: 1),
            log("gen_ai.user.message", .map([Attribute("content", .string("Capital of France?"))]), at: 2),
        ]
        let messages = Conversation.messages(span: span([Attribute("gen_ai.operation.name", .string("chat"))]), logs: logs)
        XCTAssertEqual(messages.map(\.role), [.system, .user, .assistant])
        XCTAssertEqual(messages.map(\.content), ["Be brief", "Capital of France?", "Paris"])
        XCTAssertEqual(messages.last?.finishReason, "stop")
    }

    func testV128EventsSentAsSpanEventsCarryTheirBodyAsAttributes() {
        let events = [
            SpanEvent(timeNanos: 110, name: "gen_ai.system.message", attributes: [Attribute("content", .string("Be brief"))]),
            SpanEvent(timeNanos: 120, name: "gen_ai.user.message",
                      attributes: [Attribute("gen_ai.provider.name", .string("openai")),
                                   Attribute("content", .string("Capital of France?"))]),
            SpanEvent(timeNanos: 190, name: "gen_ai.choice",
                      attributes: [Attribute("index", .int(0)), Attribute("finish_reason", .string("stop")),
                                   Attribute("message", .string("Paris"))]),
            SpanEvent(timeNanos: 195, name: "gen_ai.choice",
                      attributes: [Attribute("message", .map([Attribute("content", .string("Lyon"))]))]),
            SpanEvent(timeNanos: 199, name: "gen_ai.choice", attributes: [Attribute("index", .int(2))]),
        ]
        let messages = Conversation.messages(span: span([Attribute("gen_ai.operation.name", .string("chat"))],
                                                        events: events), logs: [])
        XCTAssertEqual(messages.map(\.role), [.system, .user, .assistant, .assistant], "an event with no content adds nothing")
        XCTAssertEqual(messages.map(\.content), ["Be brief", "Capital of France?", "Paris", "Lyon"])
        XCTAssertEqual(messages[2].finishReason, "stop")
    }

    func testMalformedJSONMessagesFallBackToText() {
        let messages = Conversation.messages(span: span([
            Attribute("gen_ai.operation.name", .string("chat")),
            Attribute("gen_ai.input.messages", .string("[{not json")),
        ]), logs: [])
        XCTAssertEqual(messages.map(\.content), ["[{not json"])
    }
}
