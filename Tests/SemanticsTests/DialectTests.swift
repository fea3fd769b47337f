import Foundation
import Semantics
import XCTest
import Telemetry

/// Every dialect in the fixtures normalizes into the same model, with the token numbers the
/// captured telemetry reported (expected.json, computed independently).
final class DialectTests: XCTestCase {
    func roles(_ scenario: String) throws -> [(RawSpan, SpanRole)] {
        try Fixture.batch(scenario).spans.map { ($0, Normalizer.role(of: $0)) }
    }

    func llmCalls(_ scenario: String) throws -> [(RawSpan, LLMCall)] {
        try roles(scenario).compactMap { span, role in role.llm.map { (span, $0) } }
    }

    /// Token totals per model equal expected.json for every scenario with spans.
    func testTokensPerModelMatchExpectedForEveryScenario() throws {
        let scenarios = ["seed-manual", "seed-agent", "openai-v2", "openai-v2-json", "openai-v2-grpc", "openai-v2-latest",
                         "traceloop-openai", "traceloop-openai-events", "traceloop-openai-legacy",
                         "openinference-openai", "anthropic-native", "openai-agents-openinference", "pydantic-ai"]
        for scenario in scenarios {
            var totals: [String: [Int64]] = [:]
            for (_, call) in try llmCalls(scenario) where call.hasUsage {
                let u = call.usage
                let key = call.model.isEmpty ? "(none)" : call.model
                let row = [u.input, u.output, u.cacheRead, u.cacheWrite, u.reasoning]
                totals[key] = zip(totals[key] ?? [0, 0, 0, 0, 0], row).map { $0 + $1 }
            }
            let expected = try Fixture.expectedTokens(scenario).filter { $0.value.contains { $0 != 0 } }
            XCTAssertEqual(totals, expected, scenario)
        }
    }

    func testSeedManualSpansAndEventConversation() throws {
        let calls = try llmCalls("seed-manual")
        XCTAssertEqual(calls.count, 6)
        XCTAssertTrue(calls.allSatisfy { $0.1.provider == "openai" && $0.1.operation == "chat" })
        let failed = calls.filter { $0.0.statusCode == .error }
        XCTAssertEqual(failed.count, 1)
        XCTAssertEqual(failed[0].1.model, "gpt-4o", "no response model: the request model names the call")
        XCTAssertEqual(calls.filter { $0.1.isTruncated }.count, 1)
        let ok = calls.first { $0.0.statusCode != .error }!
        let conversation = Conversation.messages(span: ok.0, logs: [])
        XCTAssertEqual(conversation.map(\.role), [.user, .assistant])
        XCTAssertFalse(conversation[1].content.isEmpty)
    }

    func testSeedAgentRolesAndAgentTrace() throws {
        let all = try roles("seed-agent")
        let agents = all.compactMap { $0.1.agent?.name }
        XCTAssertEqual(agents.sorted(), ["orchestrator-agent", "research-agent", "research-agent", "research-agent", "writer-agent"])
        let tools = all.compactMap { $0.1.tool?.name }
        XCTAssertEqual(tools.filter { $0 == "web-search" }.count, 3)
        XCTAssertEqual(tools.filter { $0 == "web-fetch" }.count, 3)
        XCTAssertEqual(all.filter { $0.1.llm != nil }.count, 10)
        XCTAssertTrue(all.contains { Normalizer.marksAgentTrace($0.1) })
    }

    func testOpenAIV2LegacyStreamingHasNoFinishReasonOnTheSpan() throws {
        let calls = try llmCalls("openai-v2")
        XCTAssertEqual(calls.filter { $0.1.operation == "embeddings" }.map(\.1.model), ["text-embedding-3-small"])
        let chats = calls.filter { $0.1.operation == "chat" && $0.0.statusCode != .error }
        XCTAssertEqual(chats.filter { $0.1.finishReasons.isEmpty }.count, 2, "the two streaming calls")
        XCTAssertEqual(calls.reduce(0) { $0 + $1.1.finishReasons.filter { $0 == "tool_call" }.count }, 1)
    }

    func testOpenAIV2LatestCarriesMessagesAsJSONParts() throws {
        let calls = try llmCalls("openai-v2-latest")
        let toolCall = try XCTUnwrap(calls.first { $0.1.finishReasons == ["tool_call"] })
        XCTAssertEqual(toolCall.1.provider, "openai")
        let conversation = Conversation.messages(span: toolCall.0, logs: [])
        XCTAssertEqual(conversation.last?.role, .assistant)
        XCTAssertFalse(conversation.last?.toolCalls.isEmpty ?? true)
        XCTAssertTrue(conversation.contains { $0.role == .user && !$0.content.isEmpty })
    }

    func testTraceloopCurrentCacheReasoningStreamingAndTTFT() throws {
        let calls = try llmCalls("traceloop-openai")
        XCTAssertEqual(calls.reduce(0) { $0 + $1.1.usage.cacheRead }, 38)
        XCTAssertEqual(calls.reduce(0) { $0 + $1.1.usage.reasoning }, 24)
        let streamed = calls.filter { $0.1.streaming == true }
        XCTAssertEqual(streamed.count, 2)
        XCTAssertTrue(streamed.allSatisfy { ($0.1.timeToFirstTokenSeconds ?? -1) > 0 }, "first chunk event gives TTFT")
        XCTAssertTrue(calls.contains { $0.1.rawFinishReasons == ["tool_call"] && $0.1.finishReasons == ["tool_call"] })
    }

    func testTraceloopLegacyIndexedDialect() throws {
        let calls = try llmCalls("traceloop-openai-legacy")
        XCTAssertEqual(calls.reduce(0) { $0 + $1.1.usage.reasoning }, 24, "llm.usage.reasoning_tokens")
        let toolCall = try XCTUnwrap(calls.first { $0.1.rawFinishReasons == ["tool_calls"] && $0.1.streaming != true })
        XCTAssertEqual(toolCall.1.finishReasons, ["tool_call"])
        let conversation = Conversation.messages(span: toolCall.0, logs: [])
        XCTAssertTrue(conversation.contains { $0.role == .user })
        XCTAssertFalse(conversation.last!.toolCalls.isEmpty, "gen_ai.completion.0.tool_calls.M.*")
    }

    func testOpenInferenceModelsTTFTAndFlattenedMessages() throws {
        let calls = try llmCalls("openinference-openai")
        XCTAssertTrue(calls.contains { $0.1.requestModel == "gpt-4o-mini" && $0.1.responseModel == "gpt-4o-mini-2024-07-18" },
                      "request model from llm.invocation_parameters, response model from llm.model_name")
        XCTAssertEqual(calls.filter { $0.1.timeToFirstTokenSeconds != nil }.count, 2, "First Token Stream Event")
        XCTAssertEqual(calls.filter { $0.1.operation == "embeddings" }.count, 1)
        let withTools = try XCTUnwrap(calls.first { $0.1.rawFinishReasons == ["tool_calls"] && $0.1.streaming != true })
        let conversation = Conversation.messages(span: withTools.0, logs: [])
        XCTAssertEqual(conversation.last?.role, .assistant)
        XCTAssertFalse(conversation.last!.toolCalls.isEmpty)
    }

    func testAnthropicNativeCacheRetriesAndStopReasons() throws {
        let calls = try llmCalls("anthropic-native")
        XCTAssertTrue(calls.allSatisfy { $0.1.provider == "anthropic" })
        XCTAssertEqual(calls.filter { $0.1.isTruncated }.count, 1, "max_tokens is a truncation")
        XCTAssertEqual(calls.filter { $0.1.retries == 1 }.count, 1, "http.request.resend_count")
        XCTAssertTrue(calls.contains { $0.1.timeToFirstTokenSeconds != nil })
        let cached = calls.filter { $0.1.usage.cacheRead > 0 || $0.1.usage.cacheWrite > 0 }
        XCTAssertTrue(cached.allSatisfy { $0.1.usage.input >= $0.1.usage.cacheRead + $0.1.usage.cacheWrite },
                      "the SDK's input already includes the cache tokens: never added twice")
    }

    func testAnthropicRawUsageGetsCacheTokensAddedOnce() {
        let (usage, has) = Normalizer.tokenUsage([
            Attribute("gen_ai.usage.input_tokens", .int(13)),
            Attribute("gen_ai.usage.cache_read_input_tokens", .int(38)),
            Attribute("gen_ai.usage.cache_creation_input_tokens", .int(20)),
            Attribute("gen_ai.usage.output_tokens", .int(6)),
        ], provider: "anthropic")
        XCTAssertTrue(has)
        XCTAssertEqual(usage, TokenUsage(input: 71, output: 6, cacheRead: 38, cacheWrite: 20))
    }

    func testOpenAIAgentsOpenInferenceRoles() throws {
        let all = try roles("openai-agents-openinference")
        XCTAssertEqual(Set(all.compactMap { $0.1.agent?.name }), ["Support triage", "Triage Agent", "Billing Agent", "FAQ Agent"])
        XCTAssertTrue(all.contains { $0.1.tool?.name == "lookup_invoice" })
        XCTAssertTrue(all.contains { $0.1.tool?.name == "handoff to Billing Agent" })
        XCTAssertEqual(all.filter { $0.1.llm != nil }.count, 8)
    }

    func testPydanticAIRollupIsNotCountedAndToolsCarryCallIDs() throws {
        let all = try roles("pydantic-ai")
        XCTAssertEqual(all.filter { $0.1.agent?.name == "weather-agent" }.count, 3)
        let tools = all.compactMap(\.1.tool)
        XCTAssertTrue(tools.allSatisfy { !$0.callID.isEmpty })
        let chats = all.compactMap(\.1.llm)
        XCTAssertEqual(chats.count, 7)
        XCTAssertEqual(chats.reduce(0) { $0 + $1.usage.input }, 664)
        XCTAssertEqual(chats.compactMap(\.reportedCostUSD).reduce(0, +), 0.0001491, accuracy: 1e-9)
        XCTAssertTrue(chats.allSatisfy { !$0.sessionID.isEmpty }, "gen_ai.conversation.id")
    }

    func testFinishReasonSpellingsNormalize() {
        XCTAssertEqual(["length", "max_tokens", "tool_calls", "tool_use", "end_turn", "stop", "content_filter"]
            .map(Normalizer.normalizedFinishReason),
                       ["length", "length", "tool_call", "tool_call", "stop", "stop", "content_filter"])
    }
}
