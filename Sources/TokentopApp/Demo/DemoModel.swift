import Foundation
import Semantics

/// A model as the demo's apps call it: who serves it, what it answers as, and how fast it is.
struct DemoModel: Sendable {
    var provider: String
    var requestModel: String
    var responseModel: String
    var scope: DemoScope
    /// Output speed, which with the time to first token gives a call its duration.
    var tokensPerSecond: Double
    var firstTokenSeconds: ClosedRange<Double>
    var reasons: Bool = false
    var responseIDPrefix: String

    static let gpt4o = DemoModel(provider: "openai", requestModel: "gpt-4o", responseModel: "gpt-4o-2024-08-06",
                                 scope: .openAI, tokensPerSecond: 110, firstTokenSeconds: 0.25...0.6,
                                 responseIDPrefix: "chatcmpl-")
    static let gpt4oMini = DemoModel(provider: "openai", requestModel: "gpt-4o-mini",
                                     responseModel: "gpt-4o-mini-2024-07-18", scope: .openAI, tokensPerSecond: 180,
                                     firstTokenSeconds: 0.15...0.4, responseIDPrefix: "chatcmpl-")
    static let o4Mini = DemoModel(provider: "openai", requestModel: "o4-mini", responseModel: "o4-mini-2025-04-16",
                                  scope: .openAI, tokensPerSecond: 180, firstTokenSeconds: 0.8...1.6, reasons: true,
                                  responseIDPrefix: "chatcmpl-")
    static let claudeSonnet = DemoModel(provider: "anthropic", requestModel: "claude-sonnet-4-20250514",
                                        responseModel: "claude-sonnet-4-20250514", scope: .anthropic,
                                        tokensPerSecond: 90, firstTokenSeconds: 0.4...0.9, responseIDPrefix: "msg_01")
    /// Self-hosted and absent from every price list: the dashboard shows its cost as `?`.
    static let finetune = DemoModel(provider: "vllm", requestModel: "my-finetune", responseModel: "my-finetune",
                                    scope: .vllm, tokensPerSecond: 220, firstTokenSeconds: 0.05...0.2,
                                    responseIDPrefix: "cmpl-")
}

/// What an app asks of a model in one call, and the answer it gets when all goes well.
struct DemoPrompt: Sendable {
    var system: String
    var user: String
    var answer: String
    var inputTokens: ClosedRange<Int>
    var outputTokens: ClosedRange<Int>
    var maxTokens = 1024
    var stream = false
    /// Share of the prompt a provider-side cache can serve (a long, stable system prompt).
    var cacheableShare = 0.0
    /// A tool the model asks for instead of answering.
    var toolCall: (name: String, arguments: String)?
}

/// How a call ended: what the next step of the run can rely on.
struct DemoCallOutcome {
    var end: UInt64
    var failed: Bool
}

/// The odds of the realistic trouble the quality pane watches.
enum DemoOdds {
    static let truncation = 0.06
    static let retry = 0.08
    static let llmError = 0.03
    static let toolTimeout = 0.08
}

extension TraceRecorder {
    /// Records one chat call: usage, finish reason, response id, conversation, and now and then a
    /// truncation, a resend or a provider error.
    mutating func chat(_ model: DemoModel, _ prompt: DemoPrompt, parent: Data, start: UInt64,
                       conversationID: String? = nil) -> DemoCallOutcome {
        var attributes: [(String, DemoValue)] = [
            ("gen_ai.operation.name", .string("chat")),
            ("gen_ai.provider.name", .string(model.provider)),
            ("gen_ai.request.model", .string(model.requestModel)),
            ("gen_ai.request.max_tokens", .int(prompt.maxTokens)),
            ("server.address", .string(Self.serverAddress(model.provider))),
        ]
        if prompt.stream { attributes.append(("gen_ai.request.stream", .bool(true))) }
        if let conversationID { attributes.append(("gen_ai.conversation.id", .string(conversationID))) }
        attributes.append(("gen_ai.system_instructions", .string(Self.json([["type": "text", "content": prompt.system]]))))
        let input: [[String: Any]] = [["role": "user", "parts": [["type": "text", "content": prompt.user]]]]
        attributes.append(("gen_ai.input.messages", .string(Self.json(input))))
        let name = "chat \(model.requestModel)"

        if random.chance(DemoOdds.llmError) {
            let end = start + Self.nanos(Double.random(in: 0.08...0.4, using: &random))
            let (type, message) = Self.providerError(model)
            attributes.append(("error.type", .string(type)))
            let exception = Self.event("exception", at: end, [
                ("exception.type", .string(type)),
                ("exception.message", .string(message)),
                ("exception.escaped", .bool(true)),
            ])
            record(name, parent: parent, kind: .client, start: start, end: end, scope: model.scope,
                   attributes: attributes, events: [exception], failure: message)
            return DemoCallOutcome(end: end, failed: true)
        }

        let inputTokens = Int.random(in: prompt.inputTokens, using: &random)
        var output = Int.random(in: prompt.outputTokens, using: &random)
        let truncated = prompt.toolCall == nil && random.chance(DemoOdds.truncation)
        if truncated { output = prompt.maxTokens }
        let reasoning = model.reasons ? Int.random(in: output / 2...output * 3, using: &random) : 0
        let firstToken = Double.random(in: model.firstTokenSeconds, using: &random)
        let resends = random.chance(DemoOdds.retry) ? Int.random(in: 1...2, using: &random) : 0
        // A resend waits out a backoff before the call that succeeds.
        let backoff = Double(resends) * Double.random(in: 0.3...0.7, using: &random)
        let seconds = backoff + firstToken + Double(output + reasoning) / model.tokensPerSecond
        let end = start + Self.nanos(seconds)

        let finish: String
        var outputMessage: [String: Any] = ["role": "assistant"]
        if let tool = prompt.toolCall {
            finish = model.provider == "anthropic" ? "tool_use" : "tool_calls"
            outputMessage["parts"] = [["type": "tool_call", "id": "call_" + random.token(24), "name": tool.name,
                                       "arguments": tool.arguments]]
        } else {
            finish = truncated ? (model.provider == "anthropic" ? "max_tokens" : "length") : (model.provider == "anthropic" ? "end_turn" : "stop")
            outputMessage["parts"] = [["type": "text", "content": truncated ? Self.cut(prompt.answer) : prompt.answer]]
        }
        outputMessage["finish_reason"] = finish
        attributes += [
            ("gen_ai.response.model", .string(model.responseModel)),
            ("gen_ai.response.id", .string(model.responseIDPrefix + random.token(model.provider == "anthropic" ? 22 : 24))),
            ("gen_ai.response.finish_reasons", .strings([finish])),
            ("gen_ai.usage.input_tokens", .int(inputTokens)),
            ("gen_ai.usage.output_tokens", .int(output + reasoning)),
            ("gen_ai.output.messages", .string(Self.json([outputMessage]))),
        ]
        if prompt.cacheableShare > 0, random.chance(0.7) {
            // Providers cache in whole blocks (OpenAI: 128 tokens past the first 1024).
            let cached = Int(Double(inputTokens) * prompt.cacheableShare) / 128 * 128
            if cached > 0 { attributes.append(("gen_ai.usage.cache_read.input_tokens", .int(cached))) }
        }
        if reasoning > 0 { attributes.append(("gen_ai.usage.reasoning.output_tokens", .int(reasoning))) }
        if prompt.stream { attributes.append(("gen_ai.response.time_to_first_chunk", .double(backoff + firstToken))) }
        if resends > 0 { attributes.append(("http.request.resend_count", .int(resends))) }
        record(name, parent: parent, kind: .client, start: start, end: end, scope: model.scope, attributes: attributes)
        return DemoCallOutcome(end: end, failed: false)
    }

    /// A chat call the app's framework repeats once after a provider error, following a short backoff.
    mutating func chatRetryingOnce(_ model: DemoModel, _ prompt: DemoPrompt, parent: Data, start: UInt64,
                                   conversationID: String? = nil) -> DemoCallOutcome {
        let first = chat(model, prompt, parent: parent, start: start, conversationID: conversationID)
        guard first.failed else { return first }
        let retryAt = first.end + Self.nanos(Double.random(in: 0.3...0.8, using: &random))
        return chat(model, prompt, parent: parent, start: retryAt, conversationID: conversationID)
    }

    /// Records one tool execution; web fetches time out now and then.
    mutating func tool(_ name: String, arguments: String, result: String, parent: Data, start: UInt64,
                       seconds: ClosedRange<Double>, canTimeOut: Bool = false) -> DemoCallOutcome {
        var attributes: [(String, DemoValue)] = [
            ("gen_ai.operation.name", .string("execute_tool")),
            ("gen_ai.tool.name", .string(name)),
            ("gen_ai.tool.type", .string("function")),
            ("gen_ai.tool.call.id", .string("call_" + random.token(24))),
            ("gen_ai.tool.call.arguments", .string(arguments)),
        ]
        if canTimeOut, random.chance(DemoOdds.toolTimeout) {
            let end = start + Self.nanos(Double.random(in: 2.5...2.55, using: &random))
            let message = "timed out after 2.5s"
            attributes.append(("error.type", .string("TimeoutError")))
            let exception = Self.event("exception", at: end, [
                ("exception.type", .string("TimeoutError")), ("exception.message", .string(message)),
            ])
            record("execute_tool \(name)", parent: parent, kind: .internal, start: start, end: end,
                   attributes: attributes, events: [exception], failure: message)
            return DemoCallOutcome(end: end, failed: true)
        }
        let end = start + Self.nanos(Double.random(in: seconds, using: &random))
        attributes.append(("gen_ai.tool.call.result", .string(result)))
        record("execute_tool \(name)", parent: parent, kind: .internal, start: start, end: end, attributes: attributes)
        return DemoCallOutcome(end: end, failed: false)
    }

    static func nanos(_ seconds: Double) -> UInt64 { UInt64(max(0, seconds) * 1e9) }

    static func json(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    private static func cut(_ text: String) -> String { String(text.prefix(max(20, text.count * 2 / 3))) + "…" }

    private static func serverAddress(_ provider: String) -> String {
        switch provider {
        case "anthropic": return "api.anthropic.com"
        case "openai": return "api.openai.com"
        default: return "vllm.internal"
        }
    }

    private static func providerError(_ model: DemoModel) -> (type: String, message: String) {
        switch model.provider {
        case "anthropic": return ("OverloadedError", "Error code: 529 - {'type': 'error', 'error': {'type': 'overloaded_error', 'message': 'Overloaded'}}")
        case "openai": return ("RateLimitError", "Error code: 429 - Rate limit reached for \(model.requestModel) on tokens per min (TPM)")
        default: return ("APIConnectionError", "Connection error: upstream vllm.internal:8000 reset the connection")
        }
    }
}
