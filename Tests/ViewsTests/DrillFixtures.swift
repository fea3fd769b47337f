import Semantics
import Store
import CanvasKit
import Views
import Telemetry
import PackedSpans

/// A realistic agent trace, stored through a `TraceStore` so roles, costs, duplicates and log events
/// are what the app would hold.
enum DrillFixtures {
    static let traceID = Fixtures.id(4)
    static let t0 = Fixtures.now - 2 * Fixtures.second
    static func at(_ seconds: Double) -> UInt64 { t0 + UInt64(seconds * 1e9) }

    static let origin = Origin(resource: [Attribute("service.name", .string("support-bot")),
                                          Attribute("telemetry.sdk.language", .string("python")),
                                          Attribute("deployment.environment", .string("staging"))],
                               scopeName: "opentelemetry.instrumentation.openai_v2", scopeVersion: "2.1b0")
    static let otherScope = Origin(resource: [Attribute("service.name", .string("support-bot"))],
                                   scopeName: "openllmetry")

    enum SpanNumber: UInt64 {
        case root = 1, plan, search, fetch, synthesize, followUp, orphan, duplicatePlan, finetune
        var id: SpanID { SpanID(0xa000 + rawValue) }
    }

    /// $2.50 per million input tokens and $10 per million output tokens for gpt-4o; nothing else is priced.
    static let pricing = CallPricing { call, _ in
        guard call.model.hasPrefix("gpt-4o") else { return nil }
        let usd = Double(call.usage.input) * 2.5e-6 + Double(call.usage.output) * 10e-6
        return PricedCost(usd: usd, rule: "openai/gpt-4o: $2.50/$10 per Mtok")
    }

    static func span(_ number: SpanNumber, parent: SpanNumber?, _ name: String, from start: Double, to end: Double?,
                     kind: SpanKind = .internal, _ attributes: [(String, AttributeValue)], events: [SpanEvent] = [],
                     links: [SpanLink] = [], status: StatusCode = .unset, message: String = "",
                     origin: Origin = DrillFixtures.origin, parentID: SpanID? = nil) -> RawSpan {
        RawSpan(traceID: traceID, spanID: number.id, parentSpanID: parentID ?? parent?.id ?? .zero, name: name, kind: kind,
                startNanos: at(start), endNanos: end.map(at) ?? 0,
                attributes: attributes.map { Attribute($0.0, $0.1) }, events: events, links: links,
                statusCode: status, statusMessage: message, origin: origin)
    }

    static let spans: [RawSpan] = [
        span(.root, parent: nil, "invoke_agent research-agent", from: 0, to: nil, [
            ("gen_ai.operation.name", .string("invoke_agent")), ("gen_ai.agent.name", .string("research-agent")),
            ("gen_ai.conversation.id", .string("conv-42")),
        ]),
        span(.plan, parent: .root, "chat gpt-4o", from: 0.05, to: 0.45, kind: .client, [
            ("gen_ai.operation.name", .string("chat")), ("gen_ai.provider.name", .string("openai")),
            ("gen_ai.request.model", .string("gpt-4o")), ("gen_ai.response.model", .string("gpt-4o-2024-08-06")),
            ("gen_ai.usage.input_tokens", .int(312)), ("gen_ai.usage.output_tokens", .int(89)),
            ("gen_ai.response.finish_reasons", .array([.string("tool_calls")])),
            ("gen_ai.response.id", .string("chatcmpl-plan-1")), ("gen_ai.request.max_tokens", .int(2048)),
            ("gen_ai.system_instructions", .string(#"[{"type":"text","content":"You are a research assistant."}]"#)),
            ("gen_ai.input.messages", .string(#"[{"role":"user","parts":[{"type":"text","content":"What do the two sources say about solar storage costs?"}]}]"#)),
            ("gen_ai.output.messages", .string(#"[{"role":"assistant","parts":[{"type":"tool_call","id":"call_1","name":"web-search","arguments":{"query":"solar storage cost 2024"}}],"finish_reason":"tool_calls"}]"#)),
        ]),
        span(.duplicatePlan, parent: .root, "openai.chat", from: 0.05, to: 0.45, kind: .client, [
            ("gen_ai.system", .string("openai")), ("gen_ai.request.model", .string("gpt-4o")),
            ("gen_ai.response.id", .string("chatcmpl-plan-1")),
        ], origin: otherScope),
        span(.search, parent: .root, "execute_tool web-search", from: 0.47, to: 0.77, [
            ("gen_ai.operation.name", .string("execute_tool")), ("gen_ai.tool.name", .string("web-search")),
            ("gen_ai.tool.call.id", .string("call_1")),
            ("gen_ai.tool.call.arguments", .string(#"{"query":"solar storage cost 2024"}"#)),
        ]),
        span(.fetch, parent: .root, "execute_tool web-fetch", from: 0.78, to: 0.98, [
            ("gen_ai.operation.name", .string("execute_tool")), ("gen_ai.tool.name", .string("web-fetch")),
            ("url.full", .string("https://example.com/\u{1b}[31mred\u{1b}[0m\u{07}?q=\u{202E}txt.exe")),
        ], events: [SpanEvent(timeNanos: at(0.97), name: "exception", attributes: [
            Attribute("exception.type", .string("httpx.ConnectTimeout")),
            Attribute("exception.message", .string("timed out after 200ms")),
            Attribute("exception.stacktrace", .string("Traceback (most recent call last):\n  File \"fetch.py\", line 12, in fetch\n    r = client.get(url)\nhttpx.ConnectTimeout: timed out")),
        ])], status: .error, message: "fetch failed"),
        span(.synthesize, parent: .root, "chat gpt-4o", from: 0.99, to: 1.29, kind: .client, [
            ("gen_ai.operation.name", .string("chat")), ("gen_ai.provider.name", .string("openai")),
            ("gen_ai.request.model", .string("gpt-4o")), ("gen_ai.response.model", .string("gpt-4o-2024-08-06")),
            ("gen_ai.usage.input_tokens", .int(1840)), ("gen_ai.usage.output_tokens", .int(412)),
            ("gen_ai.usage.cache_read.input_tokens", .int(1024)),
            ("gen_ai.response.finish_reasons", .array([.string("stop")])), ("gen_ai.request.stream", .bool(true)),
            ("gen_ai.response.time_to_first_chunk", .double(0.12)), ("gen_ai.response.id", .string("chatcmpl-syn-2")),
        ], links: [SpanLink(traceID: Fixtures.id(3), spanID: SpanID(0xbeef), attributes: [Attribute("link.reason", .string("retry of"))])]),
        span(.finetune, parent: .root, "chat my-finetune", from: 1.3, to: 1.5, kind: .client, [
            ("gen_ai.operation.name", .string("chat")), ("gen_ai.provider.name", .string("openai")),
            ("gen_ai.request.model", .string("my-finetune")), ("gen_ai.usage.input_tokens", .int(200)),
            ("gen_ai.usage.output_tokens", .int(50)), ("gen_ai.response.finish_reasons", .array([.string("length")])),
        ]),
        span(.followUp, parent: .root, "chat claude-sonnet-4", from: 1.55, to: nil, kind: .client, [
            ("gen_ai.operation.name", .string("chat")), ("gen_ai.provider.name", .string("anthropic")),
            ("gen_ai.request.model", .string("claude-sonnet-4")),
        ]),
        span(.orphan, parent: nil, "retrieve documents", from: 0.5, to: 0.7, [("db.system", .string("qdrant"))],
             parentID: SpanID(0xdead)),
    ]

    /// The assistant's answer of the synthesis call arrives as a log event (OTel GenAI 1.28–1.36).
    static let logs: [RawLogRecord] = [
        RawLogRecord(timeNanos: at(1.29), eventName: "gen_ai.choice",
                     body: .map([Attribute("index", .int(0)), Attribute("finish_reason", .string("stop")),
                                 Attribute("message", .map([Attribute("content", .string("Both sources agree storage costs fell about 30% since 2022.\nThe second adds that installation now dominates the price."))]))]),
                     traceID: traceID, spanID: SpanNumber.synthesize.id, origin: origin),
    ]

    static let store: TraceStore = {
        var store = TraceStore(pricing: pricing)
        store.apply(TelemetryBatch(spans: spans, logs: logs), nowNanos: Fixtures.now)
        return store
    }()

    static var entry: TraceEntry { store.trace(traceID)! }
    static var snapshot: StoreSnapshot {
        var copy = store
        var snapshot = copy.snapshot(nowNanos: Fixtures.now)
        snapshot.counters = Fixtures.counters
        // A newer trace above and older ones below, so selections have somewhere to go.
        snapshot.traces = [Fixtures.trace(90, name: "chat gpt-4o-mini", startedSecondsAgo: 1, duration: 0.3, llm: 1)]
            + snapshot.traces + Fixtures.many(3)
        return snapshot
    }
}
