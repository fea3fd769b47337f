import Foundation
import Semantics
import Testing
import Telemetry
import PackedSpans
import Synthetic

/// The store normalizes spans from their packed form, read in place. Whatever a span carries, that
/// reading must give what normalizing the span as decoded gives: role, evaluations, failed attempt
/// and session.
@Suite struct PackedNormalizingTests {
    static func expectSameReading(_ raw: RawSpan, _ packed: PackedSpan, sourceLocation: SourceLocation = #_sourceLocation) {
        let reading = Normalizer.read(packed)
        #expect(reading.role == Normalizer.role(of: raw), sourceLocation: sourceLocation)
        #expect(Normalizer.role(of: packed) == Normalizer.role(of: raw), sourceLocation: sourceLocation)
        #expect(reading.evaluations == Normalizer.evaluations(of: raw), sourceLocation: sourceLocation)
        let failed = Normalizer.isFailedAttempt(raw)
        #expect(Normalizer.isFailedAttempt(packed) == failed, sourceLocation: sourceLocation)
        #expect(reading.failedAttempt == (failed && reading.role.llm != nil), sourceLocation: sourceLocation)
        #expect(reading.sessionID == Normalizer.sessionID(raw.attributes), sourceLocation: sourceLocation)
    }

    @Test(arguments: PackedSpanTests.scenarios)
    func fixtureSpansReadTheSamePacked(scenario: String) throws {
        var packer = SpanPacker()
        let spans = try Fixture.batch(scenario).spans
        // Twice: the second round packs long values as references to the first round's.
        for raw in spans + spans { Self.expectSameReading(raw, packer.pack(raw)) }
    }

    /// Finish reasons in every shape a list key may carry: a single common reason is read from the
    /// packed form without building its list, and must read as the decoded span does.
    @Test(arguments: [AttributeValue.string("stop"), .array([.string("length")]), .array([.string("stop"), .string("length")]),
                      .array([.int(1)]), .array([]), .int(3), .string(""), .string("custom"), .array([.string("custom")])])
    func finishReasonListsOfEveryShapeReadTheSamePacked(_ value: AttributeValue) {
        var packer = SpanPacker()
        let origin = Origin(resource: [])
        for fallback in [[], [Attribute("llm.finish_reason", .string("max_tokens"))]] {
            let raw = RawSpan(traceID: TraceID(high: 1, low: 1), spanID: SpanID(1), name: "chat", startNanos: 1, endNanos: 2,
                              attributes: [Attribute("gen_ai.request.model", .string("gpt-4o")),
                                           Attribute("llm.response.finish_reasons", value)] + fallback,
                              origin: origin)
            Self.expectSameReading(raw, packer.pack(raw))
        }
    }

    /// Random spans made of the keys, values and events normalizing looks for, repeated keys included
    /// (the last one counts), among keys it does not look for.
    @Test func randomGenAISpansReadTheSamePacked() {
        var random = SeededRandom(seed: 0x9E_0017)
        var packer = SpanPacker()
        let origin = Origin(resource: [Attribute("service.name", .string("svc"))])
        var llmCalls = 0, failures = 0, evaluations = 0, firstTokens = 0
        for index in 0..<4_000 {
            let start = random.next() % 1_000_000 + 1_000_000
            var raw = RawSpan(traceID: TraceID(high: 1, low: UInt64(index + 1)), spanID: SpanID(UInt64(index + 1)),
                              name: Self.pick(Self.names, &random), startNanos: start,
                              endNanos: random.next() % 4 == 0 ? 0 : start + random.next() % 1_000_000,
                              statusCode: StatusCode(rawValue: Int(random.next() % 3))!, origin: origin)
            raw.attributes = (0..<Int(random.next() % 14)).map { _ in
                random.next() % 5 == 0
                    ? Attribute(PackedSpanTests.text(&random), PackedSpanTests.value(&random, depth: 1))
                    : Attribute(Self.pick(Self.keys, &random), Self.value(&random))
            }
            raw.events = (0..<Int(random.next() % 4)).map { _ in
                let name = Self.pick(Self.eventNames, &random)
                let attributes = name == EvaluationResult.eventName
                    ? [Attribute("gen_ai.evaluation.name", .string("relevance")),
                       Attribute("gen_ai.evaluation.score.value", .double(Double(random.next() % 100) / 100)),
                       Attribute("gen_ai.evaluation.score.label", .string(random.next() % 2 == 0 ? "relevant" : ""))]
                    : [Attribute("content", .string(PackedSpanTests.text(&random)))]
                return SpanEvent(timeNanos: start + random.next() % 2_000_000 - 500_000, name: name, attributes: attributes)
            }
            let packed = packer.pack(raw)
            Self.expectSameReading(raw, packed)
            if let call = Normalizer.role(of: raw).llm {
                llmCalls += 1
                if call.timeToFirstTokenSeconds != nil { firstTokens += 1 }
            }
            if Normalizer.isFailedAttempt(raw) { failures += 1 }
            if !Normalizer.evaluations(of: raw).isEmpty { evaluations += 1 }
        }
        // The generator reaches every path it is meant to.
        #expect(llmCalls > 500 && failures > 500 && evaluations > 200 && firstTokens > 100)
    }

    static let keys = [
        "openinference.span.kind", "traceloop.span.kind", "gen_ai.operation.name", "llm.request.type",
        "gen_ai.tool.name", "gen_ai.tool.call.id", "tool.name", "gen_ai.agent.name", "agent.name",
        "gen_ai.provider.name", "gen_ai.system", "llm.system", "llm.provider", "gen_ai.request.model",
        "gen_ai.response.model", "llm.model_name", "llm.request.model", "llm.invocation_parameters",
        "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "llm.token_count.prompt",
        "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.reasoning.output_tokens", "gen_ai.usage.total_tokens",
        "gen_ai.response.finish_reasons", "llm.finish_reason", "gen_ai.completion.0.finish_reason",
        "gen_ai.completion.1.finish_reason", "gen_ai.request.stream", "gen_ai.response.time_to_first_chunk",
        "gen_ai.response.id", "gen_ai.usage.cost", "http.request.resend_count", "gen_ai.conversation.id",
        "session.id", "gen_ai.tool.call.arguments", "input.value", "output.value", "agent.task",
        "http.response.status_code", "http.status_code", "traceloop.entity.name",
    ]
    static let names = ["chat gpt-4o", "execute_tool search", "invoke_agent researcher", "agent.planner", "tool.fetch", "step"]
    static let eventNames = [EvaluationResult.eventName, "gen_ai.first_token", "First Token Stream Event",
                             "gen_ai.content.completion.chunk", "gen_ai.user.message", "exception"]
    static let strings = ["LLM", "TOOL", "AGENT", "CHAIN", "EMBEDDING", "agent", "tool", "workflow", "chat", "execute_tool",
                          "invoke_agent", "embedding", "completion", "OpenAI", "anthropic", "gpt-4o-mini",
                          "gpt-4o-mini-2024-07-18", "stop", "length", "tool_calls", "max_tokens", "true", "429", "503",
                          "200", "0.25", "{\"model\": \"gpt-4.1\", \"temperature\": 0}", "chatcmpl-AbCdEfGhIjKlMnOp"]

    static func pick(_ list: [String], _ random: inout SeededRandom) -> String { list[Int(random.next() % UInt64(list.count))] }

    static func value(_ random: inout SeededRandom) -> AttributeValue {
        switch random.next() % 6 {
        case 0, 1: .string(pick(strings, &random))
        case 2: .int([429, 500, 503, 200, 0, 12, 4_096][Int(random.next() % 7)])
        case 3: .double(Double(random.next() % 1_000) / 8)
        case 4: .bool(random.next() % 2 == 0)
        default: .array((0..<Int(random.next() % 3)).map { _ in .string(pick(strings, &random)) })
        }
    }
}
