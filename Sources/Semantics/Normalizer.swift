import Telemetry
import PackedSpans
// Turns a span of any GenAI dialect (OTel GenAI v1.28–v1.41, OpenLLMetry, OpenInference, OpenLIT,
// the seed's manual spans) into one `SpanRole`.

public enum Normalizer {
    /// Classifier order: OpenInference kind → traceloop kind → gen_ai.operation.name →
    /// tool attributes → agent attributes → any model/provider attribute → plain.
    public static func role(of span: RawSpan) -> SpanRole { role(span, AttributeLookup(span.attributes)) }

    /// The same role, read from the packed form in place.
    public static func role(of span: PackedSpan) -> SpanRole { span.withFacts { role($0, $0.attributes) } }

    static func role<Span: SpanFacts, Attributes: AttributeSource>(_ span: Span, _ a: Attributes) -> SpanRole {
        if let kind = a[Keys.openInferenceKind]?.stringValue?.uppercased() {
            switch kind {
            case "LLM", "EMBEDDING": return .llm(llmCall(span, a, defaultOperation: kind == "EMBEDDING" ? "embeddings" : "chat"))
            case "TOOL": return .tool(toolCall(span, a))
            case "AGENT": return .agent(agentRun(span, a))
            case "CHAIN", "RETRIEVER", "RERANKER", "GUARDRAIL", "EVALUATOR", "PROMPT":
                return .workflow(kind.lowercased())
            default: break
            }
        }
        if let kind = a[Keys.traceloopKind]?.stringValue?.lowercased() {
            switch kind {
            case "agent": return .agent(agentRun(span, a))
            case "tool": return .tool(toolCall(span, a))
            case "workflow", "task": return .workflow(kind)
            default: break
            }
        }
        if let type = a[Langfuse.observationType]?.stringValue?.lowercased() {
            switch type {
            case "generation": return .llm(llmCall(span, a, defaultOperation: "chat"))
            case "embedding": return .llm(llmCall(span, a, defaultOperation: "embeddings"))
            case "tool": return .tool(toolCall(span, a))
            case "agent": return .agent(agentRun(span, a))
            case "chain", "retriever", "evaluator", "guardrail": return .workflow(type)
            default: break  // spans and events: whatever else they carry says
            }
        }
        if let operation = a[Keys.operationName]?.stringValue {
            switch operation {
            case "execute_tool": return .tool(toolCall(span, a))
            case "invoke_agent", "create_agent": return .agent(agentRun(span, a))
            case "invoke_workflow": return .workflow("workflow")
            case "retrieval": return .workflow("retrieval")
            default: return .llm(llmCall(span, a, defaultOperation: operation))
            }
        }
        if let type = a[Keys.requestType]?.stringValue {
            return .llm(llmCall(span, a, defaultOperation: type == "embedding" ? "embeddings" : type))
        }
        // Claude Code times a tool call's phases (waiting for the user, running) as child spans that
        // repeat its call id: parts of one tool call, not tool calls of their own.
        if a[Keys.claudeSpanType]?.stringValue?.hasPrefix("tool.") == true { return .plain }
        if first(a, Keys.toolMarks) != nil { return .tool(toolCall(span, a)) }
        if first(a, Keys.agentMarks) != nil { return .agent(agentRun(span, a)) }
        // A provider alone marks nothing (Claude Code puts it on every span): a model or tokens do.
        if first(a, Keys.llmMarks) != nil || first(a, inputKeys) != nil || first(a, outputKeys) != nil {
            return .llm(llmCall(span, a, defaultOperation: "chat"))
        }
        return .plain
    }

    /// True for spans that make their trace an agent trace.
    public static func marksAgentTrace(_ role: SpanRole) -> Bool {
        switch role {
        case .agent: return true
        case .workflow(let kind): return kind == "workflow"
        default: return false
        }
    }

    // MARK: LLM calls

    static func llmCall<Span: SpanFacts, Attributes: AttributeSource>(
        _ span: Span, _ a: Attributes, defaultOperation: String
    ) -> LLMCall {
        var call = LLMCall()
        call.provider = (first(a, Keys.provider)?.stringValue ?? "").lowercased()
        call.operation = operationName(a[Keys.operationName]?.stringValue ?? defaultOperation)
        call.requestModel = first(a, Keys.requestModel)?.stringValue
            ?? invocationModel(a[Keys.invocationParameters]?.stringValue)
            ?? a[Langfuse.model]?.stringValue ?? ""
        call.responseModel = first(a, Keys.responseModel)?.stringValue ?? ""
        var (usage, hasUsage) = tokenUsage(a, provider: call.provider)
        if !hasUsage, let details = a[Langfuse.usageDetails]?.stringValue, let parsed = Langfuse.usage(details) {
            (usage, hasUsage) = (parsed, true)
        }
        call.usage = usage
        call.hasUsage = hasUsage
        (call.rawFinishReasons, call.finishReasons) = CommonReasonLists.sharedAndNormalized(finishReasons(a))
        call.streaming = first(a, Keys.streaming)?.boolValue
        call.timeToFirstTokenSeconds = timeToFirstToken(span, a)
        if call.streaming == nil, call.timeToFirstTokenSeconds != nil { call.streaming = true }
        call.responseID = a[Keys.responseID]?.stringValue ?? ""
        call.reportedCostUSD = first(a, Keys.reportedCost)?.doubleValue
            ?? a[Langfuse.costDetails]?.stringValue.flatMap(Langfuse.cost)
        call.retries = Int(first(a, Keys.retries)?.intValue ?? 0)
        call.sessionID = sessionID(a)
        return call
    }

    static let inputKeys = Keys.list(["gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt",
                            "llm.usage.prompt_tokens"])
    static let outputKeys = Keys.list(["gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens",
                             "llm.token_count.completion", "llm.usage.completion_tokens"])
    static let totalKeys = Keys.list(["gen_ai.usage.total_tokens", "llm.usage.total_tokens", "llm.token_count.total",
                                      "codex.usage.total_tokens"])
    static let cacheReadKeys = Keys.list(["gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens",
                                "llm.token_count.prompt_details.cache_read",
                                "gen_ai.usage.prompt_tokens_details.cached_tokens"])
    static let cacheWriteKeys = Keys.list(["gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_write.input_tokens",
                                 "gen_ai.usage.cache_creation_input_tokens",
                                 "llm.token_count.prompt_details.cache_write"])
    static let reasoningKeys = Keys.list(["gen_ai.usage.reasoning.output_tokens", "gen_ai.usage.reasoning_tokens",
                                "llm.token_count.completion_details.reasoning", "llm.usage.reasoning_tokens",
                                "gen_ai.usage.details.reasoning_tokens", "codex.usage.reasoning_output_tokens"])

    /// Usage as reported, with cache and reasoning tokens as subsets of input and output.
    /// Anthropic's raw usage reports input without the cache tokens; when the reported input is
    /// smaller than the cache tokens it cannot include them, so they are added once.
    public static func tokenUsage(_ attributes: [Attribute], provider: String) -> (TokenUsage, Bool) {
        tokenUsage(AttributeLookup(attributes), provider: provider)
    }

    static func tokenUsage<Attributes: AttributeSource>(_ a: Attributes, provider: String) -> (TokenUsage, Bool) {
        func value(_ keys: [AttributeKey]) -> Int64? { first(a, keys)?.intValue }
        let input = value(inputKeys), output = value(outputKeys)
        var usage = TokenUsage(input: input ?? 0, output: output ?? 0,
                               cacheRead: value(cacheReadKeys) ?? 0, cacheWrite: value(cacheWriteKeys) ?? 0,
                               reasoning: value(reasoningKeys) ?? 0, reportedTotal: value(totalKeys))
        if input != nil, usage.input < usage.cacheRead + usage.cacheWrite {
            usage.input += usage.cacheRead + usage.cacheWrite
        }
        return (usage, input != nil || output != nil)
    }

    static func finishReasons<Attributes: AttributeSource>(_ a: Attributes) -> [String] {
        // The first of the list keys present decides; a single common reason is read without a list.
        for key in Keys.finishReasonLists {
            guard let sole = a.soleString(key) else { continue }
            if let reason = sole, let common = CommonReasonLists.shared(reason: reason) { return common }
            if let reasons = a[key]?.stringArray, !reasons.isEmpty { return reasons }
            break
        }
        if let reason = first(a, Keys.finishReason)?.stringValue, !reason.isEmpty {
            return [reason]
        }
        // OpenLLMetry legacy: gen_ai.completion.N.finish_reason
        var indexed: [(Int, String)] = []
        a.forEach { key, value in
            guard key.hasPrefix("gen_ai.completion.") && key.hasSuffix(".finish_reason") else { return }
            let middle = key.dropFirst("gen_ai.completion.".count).dropLast(".finish_reason".count)
            if let index = Int(middle), let reason = value.stringValue { indexed.append((index, reason)) }
        }
        return indexed.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// One spelling per meaning: `length` for every truncation, `tool_call` for tool use, `stop` for a
    /// natural end.
    public static func normalizedFinishReason(_ raw: String) -> String {
        switch raw.lowercased() {
        case "length", "max_tokens", "max_output_tokens", "model_length": return "length"
        case "tool_calls", "tool_call", "tool_use", "function_call": return "tool_call"
        case "stop", "end_turn", "stop_sequence", "complete", "eos", "finish": return "stop"
        case "content_filter", "safety", "refusal", "recitation", "blocklist", "prohibited_content": return "content_filter"
        case "error": return "error"
        default: return raw.lowercased()
        }
    }

    static func operationName(_ raw: String) -> String {
        switch raw {
        case "embedding": return "embeddings"
        case "completion": return "text_completion"
        default: return raw
        }
    }

    static func timeToFirstToken<Span: SpanFacts, Attributes: AttributeSource>(_ span: Span, _ a: Attributes) -> Double? {
        if let seconds = first(a, Keys.timeToFirstToken)?.doubleValue {
            return seconds
        }
        if let start = a[Langfuse.completionStart]?.stringValue.flatMap(CodingAgentEvents.isoNanos), start >= span.startNanos,
           span.startNanos > 0 {
            return Double(start - span.startNanos) / 1e9
        }
        guard let first = span.earliestEvent(named: Keys.firstTokenEvents), first >= span.startNanos else { return nil }
        return Double(first - span.startNanos) / 1e9
    }

    /// The model a Codex span names in its plain `model` attribute (its call spans carry none; an
    /// ancestor does).
    public static func plainModel(of span: PackedSpan) -> String? {
        span.withFacts { $0.attributes[Keys.plainModel]?.stringValue }
    }

    public static func sessionID(_ attributes: [Attribute]) -> String { sessionID(AttributeLookup(attributes)) }

    static func sessionID<Attributes: AttributeSource>(_ a: Attributes) -> String {
        first(a, Keys.sessionID)?.stringValue ?? ""
    }

    /// The request model from OpenInference's `llm.invocation_parameters` JSON (`"model": "…"`).
    static func invocationModel(_ json: String?) -> String? {
        guard let json, let range = json.range(of: "\"model\"") else { return nil }
        var rest = json[range.upperBound...].drop { $0 == " " || $0 == ":" }
        guard rest.first == "\"" else { return nil }
        rest = rest.dropFirst()
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        let model = String(rest[..<end])
        return model.isEmpty ? nil : model
    }

    // MARK: Tools and agents

    static func toolCall<Span: SpanFacts, Attributes: AttributeSource>(_ span: Span, _ a: Attributes) -> ToolCall {
        let name = first(a, Keys.toolName)?.stringValue ?? strip(span.name, prefixes: ["execute_tool ", "tool."])
        return ToolCall(
            name: name,
            callID: a[Keys.toolCallID]?.stringValue ?? "",
            arguments: first(a, Keys.toolArguments).map(displayString) ?? "",
            result: first(a, Keys.toolResult).map(displayString) ?? "")
    }

    static func agentRun<Span: SpanFacts, Attributes: AttributeSource>(_ span: Span, _ a: Attributes) -> AgentRun {
        let name = first(a, Keys.agentName)?.stringValue
            ?? strip(span.name, prefixes: ["invoke_agent ", "create_agent ", "agent."])
        return AgentRun(name: name, task: first(a, Keys.agentTask)?.stringValue ?? "")
    }

    static func strip(_ name: String, prefixes: [String]) -> String {
        for prefix in prefixes where name.hasPrefix(prefix) && name.count > prefix.count {
            return String(name.dropFirst(prefix.count))
        }
        return name
    }

    static func first<Attributes: AttributeSource>(_ a: Attributes, _ keys: [AttributeKey]) -> AttributeValue? {
        for key in keys { if let v = a[key] { return v } }
        return nil
    }

    /// Text of a value for display: strings as they are, everything else in a JSON-like form.
    public static func displayString(_ value: AttributeValue) -> String {
        switch value {
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d.rounded() == d && abs(d) < 1e15 ? String(format1(d)) : String(d)
        case .bytes(let bytes): return bytes.map { String($0, radix: 16) }.joined()
        case .array(let items): return "[" + items.map(jsonish).joined(separator: ", ") + "]"
        case .map(let entries): return "{" + entries.map { "\"\($0.key)\": " + jsonish($0.value) }.joined(separator: ", ") + "}"
        case .empty: return ""
        }
    }

    private static func format1(_ d: Double) -> String { String(Int64(d)) + ".0" }

    private static func jsonish(_ value: AttributeValue) -> String {
        if case .string(let s) = value { return "\"" + s + "\"" }
        if case .empty = value { return "null" }
        return displayString(value)
    }
}

/// One array for each common single finish reason, shared by every call that has it, so that a stored
/// call does not keep two small arrays of its own.
enum CommonReasonLists {
    /// Each common reason's list as sent and its normalized list.
    private static let lists: [String: (raw: [String], normalized: [String])] = Dictionary(uniqueKeysWithValues: [
        "stop", "length", "tool_call", "tool_calls", "tool_use", "end_turn", "max_tokens", "content_filter",
        "STOP", "MAX_TOKENS", "error",
    ].map { ($0, ([$0], [Normalizer.normalizedFinishReason($0)])) })

    static func shared(_ reasons: [String]) -> [String] {
        guard reasons.count == 1, let list = lists[reasons[0]] else { return reasons }
        return list.raw
    }

    /// The shared list of a single common reason; nil for another.
    static func shared(reason: String) -> [String]? {
        lists[reason]?.raw
    }

    /// `reasons` as sent and normalized, the lists of a single common reason shared (one lookup).
    static func sharedAndNormalized(_ reasons: [String]) -> (raw: [String], normalized: [String]) {
        if reasons.isEmpty { return ([], []) }
        if reasons.count == 1, let list = lists[reasons[0]] { return list }
        return (reasons, shared(reasons.map(Normalizer.normalizedFinishReason)))
    }
}

/// A span's attributes, quick to ask for keys they lack: which key lengths occur is kept as a bitmap,
/// so that most lookups of an absent key (the normalizer tries every dialect's spelling) answer
/// without scanning.
struct AttributeLookup {
    let attributes: [Attribute]
    /// Bit n set: some key is n bytes long (63: 63 or more).
    private let lengths: UInt64

    init(_ attributes: [Attribute]) {
        self.attributes = attributes
        var lengths: UInt64 = 0
        for index in attributes.indices { lengths |= Self.bit(attributes[index].key.utf8.count) }
        self.lengths = lengths
    }

    private static func bit(_ length: Int) -> UInt64 { 1 << UInt64(min(length, 63)) }

    subscript(key: String) -> AttributeValue? {
        lengths & Self.bit(key.utf8.count) == 0 ? nil : attributes[key]
    }
}

/// The keys (and event names) normalizing looks up, numbered once (see `AttributeKey`).
enum Keys {
    static func list(_ names: [String]) -> [AttributeKey] { names.map(AttributeKey.init) }

    static let openInferenceKind = AttributeKey("openinference.span.kind")
    static let traceloopKind = AttributeKey("traceloop.span.kind")
    static let operationName = AttributeKey("gen_ai.operation.name")
    static let requestType = AttributeKey("llm.request.type")
    static let toolMarks = list(["gen_ai.tool.name", "gen_ai.tool.call.id", "tool.name"])
    static let agentMarks = list(["gen_ai.agent.name", "agent.name"])
    static let llmMarks = list(["gen_ai.request.model", "gen_ai.response.model", "llm.model_name", "llm.request.model"])

    static let provider = list(["gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system"])
    static let requestModel = RoleKeys.requestModel
    static let invocationParameters = AttributeKey("llm.invocation_parameters")
    static let responseModel = RoleKeys.responseModel
    static let streaming = list(["gen_ai.request.stream", "gen_ai.is_streaming", "llm.is_streaming"])
    static let responseID = RoleKeys.responseID
    static let reportedCost = list(["gen_ai.usage.cost", "llm.cost.total", "operation.cost"])
    static let retries = list(["http.request.resend_count", "gen_ai.client.retries"])
    static let finishReasonLists = list(["gen_ai.response.finish_reasons", "llm.response.finish_reasons"])
    static let finishReason = list(["llm.finish_reason", "llm.response.finish_reason", "anthropic.message.stop_reason"])
    static let timeToFirstToken = list(["gen_ai.response.time_to_first_chunk", "gen_ai.server.time_to_first_token"])
    /// Events that mark a streamed response's first token.
    static let firstTokenEvents = list(["First Token Stream Event", "gen_ai.content.completion.chunk",
                                        "llm.content.completion.chunk", "gen_ai.first_token"])
    static let sessionID = RoleKeys.sessionID

    static let toolName = RoleKeys.toolName
    static let toolCallID = RoleKeys.toolCallID
    static let toolArguments = RoleKeys.toolArguments
    static let toolResult = RoleKeys.toolResult
    static let agentName = RoleKeys.agentName
    static let agentTask = RoleKeys.agentTask

    static let plainModel = AttributeKey("model")
    static let claudeSpanType = AttributeKey("span.type")
    static let httpStatus = list(["http.response.status_code", "http.status_code"])

    static let evaluationResult = AttributeKey(EvaluationResult.eventName)
}

