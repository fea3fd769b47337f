// Coding-agent CLIs (Claude Code, the Codex CLI, Gemini CLI) export OpenTelemetry themselves, and
// report their LLM calls as log events rather than spans. This reads those events into the same
// `LLMCall` that spans normalize into, in tokentop's token convention (input includes cache reads and
// writes, output includes reasoning), whatever each CLI's own convention is.

import Foundation
import Telemetry

/// A coding-agent CLI, recognised by its resource and instrumentation scope.
public enum CodingAgent: String, Sendable, CaseIterable {
    case claudeCode = "claude-code"
    case codex
    case gemini = "gemini-cli"

    public static func of(_ origin: Origin) -> CodingAgent? {
        let service = origin.serviceName, scope = origin.scopeName
        if service == "claude-code" || scope.hasPrefix("com.anthropic.claude_code") { return .claudeCode }
        if service.hasPrefix("codex") || scope.hasPrefix("codex") { return .codex }
        if service == "gemini-cli" || scope.hasPrefix("gemini-cli") { return .gemini }
        return nil
    }

    /// The provider its calls are billed by, unless the telemetry names another.
    public var provider: String {
        switch self {
        case .claudeCode: "anthropic"
        case .codex: "openai"
        case .gemini: "google"
        }
    }
}

/// One LLM call a coding agent reported as a log event.
public struct AgentCallEvent: Sendable, Equatable {
    public var agent: CodingAgent
    public var call: LLMCall
    /// When the request started (the event is logged when it ends, `duration` earlier).
    public var startNanos: UInt64
    public var endNanos: UInt64
    public var durationSeconds: Double?
    /// The prompt (Claude Code `prompt.id`, Gemini `prompt_id`) the call answers.
    public var promptID: String
    /// A failed request (`api_error`, or a status of 400 and above): not billed, counted as an error.
    public var errorMessage: String?
}

/// A Codex `codex.api_request`: the HTTP request whose streamed answer a later `response.completed`
/// event reports.
public struct AgentRequestEvent: Sendable, Equatable {
    public var sessionID: String
    public var model: String
    /// When the response headers came (the event's time) and how long that took from the request.
    public var atNanos: UInt64
    public var durationSeconds: Double?
    public var statusCode: Int?
    public var attempt: Int
}

/// A prompt the user gave a coding agent.
public struct AgentPromptEvent: Sendable, Equatable {
    public var agent: CodingAgent
    public var sessionID: String
    public var promptID: String
    /// The prompt's text, when the CLI was told to send it.
    public var text: String?
    public var length: Int?
    public var atNanos: UInt64
}

/// What a coding agent decided about a tool call, or how the call went: Claude Code and Codex send the
/// decision and the result as two events of one call id (a rejected call has no result).
public struct AgentToolEvent: Sendable, Equatable {
    public enum Decision: String, Sendable {
        case accepted, rejected
    }

    public var agent: CodingAgent
    public var sessionID: String
    public var promptID: String
    public var callID: String
    public var name: String
    public var decision: Decision?
    /// Who decided: `config`, `user`, a hook…
    public var decidedBy: String
    public var success: Bool?
    public var durationSeconds: Double?
    public var arguments: String
    public var output: String
    public var error: String
    public var mcpServer: String
    public var atNanos: UInt64
}

/// What a coding agent's log event says, where it says something tokentop counts.
public enum AgentEvent: Sendable, Equatable {
    case call(AgentCallEvent)
    case request(AgentRequestEvent)
    case prompt(AgentPromptEvent)
    case tool(AgentToolEvent)
}

public enum CodingAgentEvents {
    /// The events read here, by the name each CLI gives them.
    static let knownNames: Set<String> = [
        "claude_code.api_request", "claude_code.api_error", "claude_code.user_prompt",
        "claude_code.tool_decision", "claude_code.tool_result",
        "codex.sse_event", "codex.api_request", "codex.user_prompt", "codex.tool_decision", "codex.tool_result",
        "gemini_cli.api_response", "gemini_cli.api_error", "gemini_cli.user_prompt", "gemini_cli.tool_call",
    ]

    /// The event's name, from whichever field carries it: `event.name` (Codex; Claude Code's short
    /// form), the body (Claude Code), or `LogRecord.event_name` (Codex puts its call site there).
    public static func name(of log: RawLogRecord) -> String {
        let attribute = log.attributes["event.name"]?.stringValue ?? ""
        let body = log.body.stringValue ?? ""
        for candidate in [attribute, body, log.eventName] where knownNames.contains(candidate) { return candidate }
        if !attribute.isEmpty, CodingAgent.of(log.origin) == .claudeCode {
            let prefixed = "claude_code." + attribute
            if knownNames.contains(prefixed) { return prefixed }
        }
        return log.eventName
    }

    public static func read(_ log: RawLogRecord) -> AgentEvent? {
        let name = name(of: log)
        guard knownNames.contains(name) else { return nil }
        let agent = CodingAgent.of(log.origin) ?? (name.hasPrefix("claude_code.") ? .claudeCode
            : name.hasPrefix("codex.") ? .codex : .gemini)
        let a = log.attributes
        let at = time(of: log)
        switch name {
        case "claude_code.api_request", "claude_code.api_error":
            return .call(claudeCall(a, agent: agent, at: at, failed: name == "claude_code.api_error"))
        case "codex.sse_event":
            guard a["event.kind"]?.stringValue == "response.completed",
                  a["input_token_count"] != nil || a["output_token_count"] != nil else { return nil }
            return .call(codexCall(a, agent: agent, at: at))
        case "codex.api_request":
            return .request(AgentRequestEvent(
                sessionID: a["conversation.id"]?.stringValue ?? "", model: a["model"]?.stringValue ?? "",
                atNanos: at, durationSeconds: milliseconds(a["duration_ms"]),
                statusCode: (a["http.response.status_code"]?.intValue).map { Int($0) },
                attempt: Int(a["attempt"]?.intValue ?? 0)))
        case "gemini_cli.api_response", "gemini_cli.api_error":
            return .call(geminiCall(a, agent: agent, at: at, failed: name == "gemini_cli.api_error"))
        case "claude_code.user_prompt", "codex.user_prompt", "gemini_cli.user_prompt":
            let text = (a["prompt"] ?? a["prompt_text"])?.stringValue
            return .prompt(AgentPromptEvent(agent: agent, sessionID: sessionID(a), promptID: promptID(a), text: text,
                                            length: (a["prompt_length"]?.intValue).map { Int($0) } ?? text?.count,
                                            atNanos: at))
        case "claude_code.tool_decision", "claude_code.tool_result", "codex.tool_decision", "codex.tool_result",
             "gemini_cli.tool_call":
            return .tool(tool(a, agent: agent, at: at, isResult: !name.hasSuffix("tool_decision")))
        default:
            return nil
        }
    }

    static func sessionID(_ a: [Attribute]) -> String {
        (a["session.id"] ?? a["conversation.id"])?.stringValue ?? ""
    }

    static func promptID(_ a: [Attribute]) -> String {
        (a["prompt.id"] ?? a["prompt_id"])?.stringValue ?? ""
    }

    private static func tool(_ a: [Attribute], agent: CodingAgent, at: UInt64, isResult: Bool) -> AgentToolEvent {
        let decision: AgentToolEvent.Decision? = switch a["decision"]?.stringValue?.lowercased() {
        case "accept", "accepted", "approved", "approved_for_session", "allow", "auto_accept", "modify": .accepted
        case "reject", "rejected", "denied", "deny", "abort", "cancel": .rejected
        default: nil
        }
        let text = { (keys: [String]) in keys.lazy.compactMap { a[$0] }.first.map(Normalizer.displayString) ?? "" }
        return AgentToolEvent(
            agent: agent, sessionID: sessionID(a), promptID: promptID(a),
            callID: text(["tool_use_id", "call_id", "function_call_id"]),
            name: text(["tool_name", "function_name"]), decision: decision,
            decidedBy: text(["source", "decision_source"]),
            success: isResult ? a["success"]?.boolValue : nil,
            durationSeconds: isResult ? milliseconds(a["duration_ms"]) : nil,
            arguments: text(["tool_input", "arguments", "function_args", "tool_parameters"]),
            output: text(["output"]), error: text(["error"]),
            mcpServer: text(["mcp_server", "mcp_server_name"]), atNanos: at)
    }

    /// Claude Code: input excludes the cache tokens, which it reports beside it.
    private static func claudeCall(_ a: [Attribute], agent: CodingAgent, at: UInt64, failed: Bool) -> AgentCallEvent {
        var call = LLMCall(provider: agent.provider, requestModel: a["model"]?.stringValue ?? "")
        let input = a["input_tokens"]?.intValue, output = a["output_tokens"]?.intValue
        let cacheRead = a["cache_read_tokens"]?.intValue ?? 0, cacheWrite = a["cache_creation_tokens"]?.intValue ?? 0
        call.usage = TokenUsage(input: (input ?? 0) + cacheRead + cacheWrite, output: output ?? 0,
                                cacheRead: cacheRead, cacheWrite: cacheWrite)
        call.hasUsage = input != nil || output != nil
        call.timeToFirstTokenSeconds = milliseconds(a["ttft_ms"])
        call.streaming = call.timeToFirstTokenSeconds != nil ? true : nil
        call.responseID = a["request_id"]?.stringValue ?? ""
        call.reportedCostUSD = a["cost_usd"]?.doubleValue
        call.sessionID = a["session.id"]?.stringValue ?? ""
        call.retries = max(0, Int(a["attempt"]?.intValue ?? 1) - 1)
        let error = failed ? (a["error"]?.stringValue ?? a["status_code"].map(Normalizer.displayString) ?? "error") : nil
        return event(agent, call, at: at, duration: milliseconds(a["duration_ms"]),
                     promptID: a["prompt.id"]?.stringValue ?? "", error: error)
    }

    /// Codex: input includes cached tokens and output includes reasoning, as tokentop counts them.
    private static func codexCall(_ a: [Attribute], agent: CodingAgent, at: UInt64) -> AgentCallEvent {
        var call = LLMCall(provider: agent.provider, requestModel: a["model"]?.stringValue ?? "")
        call.usage = TokenUsage(input: a["input_token_count"]?.intValue ?? 0, output: a["output_token_count"]?.intValue ?? 0,
                                cacheRead: a["cached_token_count"]?.intValue ?? 0,
                                cacheWrite: a["cache_write_token_count"]?.intValue ?? 0,
                                reasoning: a["reasoning_token_count"]?.intValue ?? 0,
                                // Codex calls the total `tool_token_count`.
                                reportedTotal: a["tool_token_count"]?.intValue)
        call.hasUsage = true
        call.timeToFirstTokenSeconds = milliseconds(a["ttft_ms"])
        call.streaming = true
        call.sessionID = a["conversation.id"]?.stringValue ?? ""
        return event(agent, call, at: at, duration: nil, promptID: "", error: nil)
    }

    /// Gemini: input (prompt) tokens include the cached ones; output excludes the thoughts, and the
    /// tool-use prompt tokens come beside the prompt: both are billed, so both are added.
    private static func geminiCall(_ a: [Attribute], agent: CodingAgent, at: UInt64, failed: Bool) -> AgentCallEvent {
        var call = LLMCall(provider: agent.provider, requestModel: a["model"]?.stringValue ?? "")
        let input = a["input_token_count"]?.intValue, output = a["output_token_count"]?.intValue
        let thoughts = a["thoughts_token_count"]?.intValue ?? 0, tool = a["tool_token_count"]?.intValue ?? 0
        call.usage = TokenUsage(input: (input ?? 0) + tool, output: (output ?? 0) + thoughts,
                                cacheRead: a["cached_content_token_count"]?.intValue ?? 0, reasoning: thoughts,
                                reportedTotal: a["total_token_count"]?.intValue)
        call.hasUsage = input != nil || output != nil
        let reasons = a["finish_reasons"]?.stringArray ?? []
        (call.rawFinishReasons, call.finishReasons) = CommonReasonLists.sharedAndNormalized(reasons)
        call.sessionID = a["session.id"]?.stringValue ?? ""
        call.responseID = a["response_id"]?.stringValue ?? ""
        let error = failed ? (a["error"]?.stringValue ?? "error") : nil
        return event(agent, call, at: at, duration: milliseconds(a["duration_ms"]),
                     promptID: a["prompt_id"]?.stringValue ?? "", error: error)
    }

    private static func event(_ agent: CodingAgent, _ call: LLMCall, at: UInt64, duration: Double?, promptID: String,
                              error: String?) -> AgentCallEvent {
        let durationNanos = duration.map { UInt64(max(0, min($0, 1e6)) * 1e9) } ?? 0
        return AgentCallEvent(agent: agent, call: call, startNanos: at > durationNanos ? at - durationNanos : at,
                              endNanos: at, durationSeconds: duration, promptID: promptID, errorMessage: error)
    }

    static func milliseconds(_ value: AttributeValue?) -> Double? {
        guard let ms = value?.doubleValue, ms.isFinite, ms >= 0 else { return nil }
        return ms / 1000
    }

    /// When the event happened: its time, else when it was observed, else its `event.timestamp`.
    static func time(of log: RawLogRecord) -> UInt64 {
        if log.timeNanos != 0 { return log.timeNanos }
        if log.observedTimeNanos != 0 { return log.observedTimeNanos }
        return log.attributes["event.timestamp"]?.stringValue.flatMap(isoNanos) ?? 0
    }

    /// Nanoseconds since 1970 of an ISO 8601 time such as `2026-12-05T12:58:54.380Z`.
    static func isoNanos(_ text: String) -> UInt64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text),
              date.timeIntervalSince1970 > 0 else { return nil }
        return UInt64((date.timeIntervalSince1970 * 1000).rounded()) * 1_000_000
    }
}
