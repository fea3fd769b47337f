import Foundation
import OTLPWire
import Synthetic

typealias LoadSpan = Opentelemetry_Proto_Trace_V1_Span
typealias LoadKeyValue = Opentelemetry_Proto_Common_V1_KeyValue
typealias LoadAnyValue = Opentelemetry_Proto_Common_V1_AnyValue
public typealias LoadTraceRequest = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest

/// Realistic agent traces as GenAI instrumentations export them: an `invoke_agent` root, then chat
/// calls (usage, finish reasons, response id, models, a user and a choice event) alternating with
/// `execute_tool` spans. Six spans a trace; a request's last trace may be cut short.
public enum AgentTraces {
    /// The clock every template is built on; rendering shifts it to the present.
    public static let templateEpochNanos: UInt64 = 1_780_000_000_000_000_000
    /// Response ids carry this prefix and then 16 hex digits that rendering replaces per request.
    static let responseIDPrefix = "chatcmpl-"
    static let responseIDPlaceholder = "0000000000000000"

    static let spansPerTrace = 6

    struct Agent {
        var name: String
        var service: String
        var provider: String
        var requestModel: String
        var responseModel: String
        var tools: [String]
    }

    static let agents = [
        Agent(name: "research-agent", service: "research-assistant", provider: "openai",
              requestModel: "gpt-4o", responseModel: "gpt-4o-2024-08-06", tools: ["web_search", "fetch_page"]),
        Agent(name: "support-agent", service: "support-bot", provider: "openai",
              requestModel: "gpt-4o-mini", responseModel: "gpt-4o-mini-2024-07-18", tools: ["lookup_order", "refund"]),
        Agent(name: "writer-agent", service: "research-assistant", provider: "anthropic",
              requestModel: "claude-sonnet-4-20250514", responseModel: "claude-sonnet-4-20250514",
              tools: ["outline", "cite_sources"]),
        Agent(name: "planner-agent", service: "ops-copilot", provider: "openai",
              requestModel: "o4-mini", responseModel: "o4-mini-2025-04-16", tools: ["run_query", "open_ticket"]),
    ]

    /// Request number `sequence` of a template made from `request(spanCount:)`, its traces moved to
    /// begin ten seconds before `nowNanos` (how the benchmarks feed the same requests to every step).
    public static func body(of template: RequestTemplate, sequence: Int, nowNanos: UInt64) -> Data {
        var bytes: [UInt8] = []
        template.render(sequence: UInt64(sequence), shiftNanos: nowNanos - templateEpochNanos - 10_000_000_000, into: &bytes)
        return Data(bytes)
    }

    /// One export request of `spanCount` spans, grouped by service as an SDK's batch exporter would.
    public static func request(spanCount: Int, seed: UInt64 = 1) -> LoadTraceRequest {
        var random = SeededRandom(seed: seed)
        var byService: [String: [LoadSpan]] = [:]
        var order: [String] = []
        var traceIndex = 0
        var remaining = spanCount
        while remaining > 0 {
            let agent = agents[traceIndex % agents.count]
            let spans = trace(agent: agent, index: traceIndex, limit: remaining, random: &random)
            if byService[agent.service] == nil { order.append(agent.service) }
            byService[agent.service, default: []].append(contentsOf: spans)
            remaining -= spans.count
            traceIndex += 1
        }
        var request = LoadTraceRequest()
        request.resourceSpans = order.map { service in
            var resourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans()
            resourceSpans.resource.attributes = keyValues([
                ("service.name", .string(service)),
                ("service.version", .string("2.4.1")),
                ("deployment.environment.name", .string("load")),
                ("telemetry.sdk.name", .string("opentelemetry")),
                ("telemetry.sdk.language", .string("python")),
                ("telemetry.sdk.version", .string("1.36.0")),
            ])
            var scopeSpans = Opentelemetry_Proto_Trace_V1_ScopeSpans()
            scopeSpans.scope.name = "opentelemetry.instrumentation.openai_v2"
            scopeSpans.scope.version = "2.1b0"
            scopeSpans.spans = byService[service] ?? []
            resourceSpans.scopeSpans = [scopeSpans]
            return resourceSpans
        }
        return request
    }

    /// The root first, then its children in start order, at most `limit` spans.
    private static func trace(agent: Agent, index: Int, limit: Int, random: inout SeededRandom) -> [LoadSpan] {
        let traceID = random.bytes(16)
        let rootID = random.bytes(8)
        let conversation = "conv_" + random.hex(12)
        let start = templateEpochNanos + UInt64(index) * 1_000_000
        var children: [LoadSpan] = []
        var clock = start + 2_000_000
        for step in 0..<(spansPerTrace - 1) {
            if step % 2 == 0 {
                let duration = 400_000_000 + random.next() % 2_000_000_000
                children.append(chat(agent: agent, traceID: traceID, parent: rootID, spanID: random.bytes(8),
                                     start: clock, end: clock + duration, conversation: conversation,
                                     turn: step / 2, random: &random))
                clock += duration + 1_000_000
            } else {
                let duration = 20_000_000 + random.next() % 300_000_000
                children.append(tool(agent: agent, traceID: traceID, parent: rootID, spanID: random.bytes(8),
                                     start: clock, end: clock + duration, name: agent.tools[(step / 2) % agent.tools.count],
                                     random: &random))
                clock += duration + 1_000_000
            }
        }
        var root = LoadSpan()
        root.traceID = traceID
        root.spanID = rootID
        root.name = "invoke_agent \(agent.name)"
        root.kind = .internal
        root.startTimeUnixNano = start
        root.endTimeUnixNano = clock
        root.attributes = keyValues([
            ("gen_ai.operation.name", .string("invoke_agent")),
            ("gen_ai.provider.name", .string(agent.provider)),
            ("gen_ai.agent.name", .string(agent.name)),
            ("gen_ai.agent.id", .string("asst_" + random.hex(20))),
            ("gen_ai.agent.description", .string(
                "Plans the task, calls tools when facts are missing and answers with sources; "
                + "escalates to a human when the request is about billing disputes or account security.")),
            ("gen_ai.conversation.id", .string(conversation)),
            ("gen_ai.request.model", .string(agent.requestModel)),
            ("gen_ai.usage.input_tokens", .int(9_000 + Int(random.next() % 6_000))),
            ("gen_ai.usage.output_tokens", .int(600 + Int(random.next() % 900))),
            ("session.id", .string(conversation)),
            ("user.id", .string("user-" + random.hex(8))),
            ("http.route", .string("/v1/agents/\(agent.name)/runs")),
            ("app.request.id", .string("req_" + random.hex(24))),
            ("app.tenant", .string("tenant-\(index % 17)")),
            ("gen_ai.system_instructions", .string(
                "You are \(agent.name), a careful assistant. Use the tools you are given, cite what you used, "
                + "keep answers under 300 words and never invent order numbers, prices or policies. "
                + "If a tool fails twice, explain what you could not check.")),
        ])
        return Array(([root] + children).prefix(limit))
    }

    private static func chat(agent: Agent, traceID: Data, parent: Data, spanID: Data, start: UInt64, end: UInt64,
                             conversation: String, turn: Int, random: inout SeededRandom) -> LoadSpan {
        var span = LoadSpan()
        span.traceID = traceID
        span.spanID = spanID
        span.parentSpanID = parent
        span.name = "chat \(agent.requestModel)"
        span.kind = .client
        span.startTimeUnixNano = start
        span.endTimeUnixNano = end
        let input = 1_200 + Int(random.next() % 4_000)
        let output = 80 + Int(random.next() % 700)
        let finish = random.next() % 20 == 0 ? "length" : (turn < 2 ? "tool_calls" : "stop")
        let responseID = responseIDPrefix + responseIDPlaceholder + "-" + random.hex(6)
        span.attributes = keyValues([
            ("gen_ai.operation.name", .string("chat")),
            ("gen_ai.provider.name", .string(agent.provider)),
            ("gen_ai.request.model", .string(agent.requestModel)),
            ("gen_ai.response.model", .string(agent.responseModel)),
            ("gen_ai.response.id", .string(responseID)),
            ("gen_ai.response.finish_reasons", .strings([finish])),
            ("gen_ai.usage.input_tokens", .int(input)),
            ("gen_ai.usage.output_tokens", .int(output)),
            ("gen_ai.usage.cache_read.input_tokens", .int(input / 3)),
            ("gen_ai.request.temperature", .double(0.2)),
            ("gen_ai.request.max_tokens", .int(1_024)),
            ("gen_ai.conversation.id", .string(conversation)),
            ("server.address", .string(agent.provider == "anthropic" ? "api.anthropic.com" : "api.openai.com")),
            ("server.port", .int(443)),
            ("gen_ai.output.type", .string("text")),
        ])
        span.events = [
            event("gen_ai.user.message", at: start + 1_000, [
                ("gen_ai.provider.name", .string(agent.provider)),
                ("content", .string("Compare the three cheapest plans for a team of \(5 + turn) and say which "
                                    + "one fits a budget of $\(200 + turn * 50) a month; show the sums.")),
            ]),
            event("gen_ai.choice", at: end - 1_000, [
                ("gen_ai.provider.name", .string(agent.provider)),
                ("index", .int(0)),
                ("finish_reason", .string(finish)),
                ("message", .string("The Team plan at $12 per seat comes to $\(60 + turn * 12) a month, "
                                    + "within budget; Pro adds audit logs for $\(90 + turn * 18).")),
            ]),
        ]
        return span
    }

    private static func tool(agent: Agent, traceID: Data, parent: Data, spanID: Data, start: UInt64, end: UInt64,
                             name: String, random: inout SeededRandom) -> LoadSpan {
        var span = LoadSpan()
        span.traceID = traceID
        span.spanID = spanID
        span.parentSpanID = parent
        span.name = "execute_tool \(name)"
        span.kind = .internal
        span.startTimeUnixNano = start
        span.endTimeUnixNano = end
        span.attributes = keyValues([
            ("gen_ai.operation.name", .string("execute_tool")),
            ("gen_ai.tool.name", .string(name)),
            ("gen_ai.tool.type", .string("function")),
            ("gen_ai.tool.call.id", .string("call_" + random.hex(24))),
            ("gen_ai.tool.description", .string("Looks up facts the model cannot know; returns JSON.")),
            ("gen_ai.tool.call.arguments", .string(#"{"query":"team plans pricing 2026","limit":3,"region":"eu"}"#)),
            ("gen_ai.tool.call.result", .string(
                #"{"results":[{"plan":"Starter","seat_usd":8,"limits":"5 projects"},"#
                + #"{"plan":"Team","seat_usd":12,"limits":"unlimited projects, SSO"},"#
                + #"{"plan":"Pro","seat_usd":18,"limits":"audit logs, SLA 99.9%"}],"took_ms":"#
                + "\(20 + random.next() % 300)}")),
            ("gen_ai.agent.name", .string(agent.name)),
            ("code.function.name", .string("tools.\(name)")),
            ("thread.id", .int(Int(random.next() % 64))),
        ])
        return span
    }

    private static func event(_ name: String, at time: UInt64, _ attributes: [(String, LoadValue)]) -> LoadSpan.Event {
        var event = LoadSpan.Event()
        event.name = name
        event.timeUnixNano = time
        event.attributes = keyValues(attributes)
        return event
    }

    enum LoadValue {
        case string(String)
        case int(Int)
        case double(Double)
        case strings([String])

        var wire: LoadAnyValue {
            var value = LoadAnyValue()
            switch self {
            case .string(let s): value.stringValue = s
            case .int(let i): value.intValue = Int64(i)
            case .double(let d): value.doubleValue = d
            case .strings(let list):
                var array = Opentelemetry_Proto_Common_V1_ArrayValue()
                array.values = list.map { LoadValue.string($0).wire }
                value.arrayValue = array
            }
            return value
        }
    }

    static func keyValues(_ attributes: [(String, LoadValue)]) -> [LoadKeyValue] {
        attributes.map { key, value in
            var pair = LoadKeyValue()
            pair.key = key
            pair.value = value.wire
            return pair
        }
    }
}

extension SeededRandom {
    mutating func bytes(_ count: Int) -> Data {
        var data = Data(count: count)
        for i in 0..<count { data[i] = UInt8(truncatingIfNeeded: next()) }
        return data
    }

    mutating func hex(_ count: Int) -> String {
        let digits = Array("0123456789abcdef")
        return String((0..<count).map { _ in digits[Int(next() & 15)] })
    }
}
