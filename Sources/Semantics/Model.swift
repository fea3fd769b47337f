// The one model every dialect normalizes into.

/// Token counts of one call as the telemetry reported them. `input` includes cache reads and
/// writes; `output` includes reasoning. Subsets are never added on top.
public struct TokenUsage: Sendable, Equatable, Hashable {
    public var input: Int64
    public var output: Int64
    public var cacheRead: Int64
    public var cacheWrite: Int64
    public var reasoning: Int64
    /// The total the telemetry reported, if any (not used for sums).
    public var reportedTotal: Int64?

    public init(input: Int64 = 0, output: Int64 = 0, cacheRead: Int64 = 0, cacheWrite: Int64 = 0,
                reasoning: Int64 = 0, reportedTotal: Int64? = nil) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.reasoning = reasoning
        self.reportedTotal = reportedTotal
    }

    public static let zero = TokenUsage()
    public var isZero: Bool { input == 0 && output == 0 && cacheRead == 0 && cacheWrite == 0 && reasoning == 0 }

    public static func + (a: TokenUsage, b: TokenUsage) -> TokenUsage {
        TokenUsage(input: a.input + b.input, output: a.output + b.output, cacheRead: a.cacheRead + b.cacheRead,
                   cacheWrite: a.cacheWrite + b.cacheWrite, reasoning: a.reasoning + b.reasoning)
    }
    public static func += (a: inout TokenUsage, b: TokenUsage) { a = a + b }

    /// The counts times `sign` (1 to add a call to a total, -1 to take it out), without a reported total.
    public func signed(_ sign: Int) -> TokenUsage {
        let s = Int64(sign)
        return TokenUsage(input: input * s, output: output * s, cacheRead: cacheRead * s, cacheWrite: cacheWrite * s,
                          reasoning: reasoning * s)
    }
}

/// One turn of a conversation, whichever dialect carried it.
public struct ChatMessage: Sendable, Equatable {
    public enum Role: String, Sendable { case system, user, assistant, tool, unknown }
    public struct ToolCallRequest: Sendable, Equatable {
        public var id: String
        public var name: String
        public var arguments: String
        public init(id: String, name: String, arguments: String) {
            self.id = id
            self.name = name
            self.arguments = arguments
        }
    }
    public var role: Role
    public var content: String
    public var toolCalls: [ToolCallRequest]
    /// For tool turns: the id of the call this answers.
    public var toolCallID: String
    public var finishReason: String
    /// True for output (completion) messages.
    public var isOutput: Bool

    public init(role: Role, content: String, toolCalls: [ToolCallRequest] = [], toolCallID: String = "",
                finishReason: String = "", isOutput: Bool = false) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.finishReason = finishReason
        self.isOutput = isOutput
    }
}

public struct LLMCall: Sendable, Equatable {
    public var provider: String
    public var operation: String
    public var requestModel: String
    public var responseModel: String
    public var usage: TokenUsage
    /// Which token attributes were present (a call with no usage is not the same as 0 tokens).
    public var hasUsage: Bool
    /// Normalized finish reasons (`tool_calls` → `tool_call`, Anthropic `max_tokens` → `length`, …).
    public var finishReasons: [String]
    /// Finish reasons exactly as sent.
    public var rawFinishReasons: [String]
    public var streaming: Bool?
    public var timeToFirstTokenSeconds: Double?
    public var responseID: String
    public var reportedCostUSD: Double?
    /// Retries reported by the instrumentation (e.g. `http.request.resend_count`).
    public var retries: Int
    public var sessionID: String

    public init(provider: String = "", operation: String = "chat", requestModel: String = "",
                responseModel: String = "", usage: TokenUsage = .zero, hasUsage: Bool = false,
                finishReasons: [String] = [], rawFinishReasons: [String] = [], streaming: Bool? = nil,
                timeToFirstTokenSeconds: Double? = nil, responseID: String = "",
                reportedCostUSD: Double? = nil, retries: Int = 0, sessionID: String = "") {
        self.provider = provider
        self.operation = operation
        self.requestModel = requestModel
        self.responseModel = responseModel
        self.usage = usage
        self.hasUsage = hasUsage
        self.finishReasons = finishReasons
        self.rawFinishReasons = rawFinishReasons
        self.streaming = streaming
        self.timeToFirstTokenSeconds = timeToFirstTokenSeconds
        self.responseID = responseID
        self.reportedCostUSD = reportedCostUSD
        self.retries = retries
        self.sessionID = sessionID
    }

    /// Response model when sent, else the request model (the key models are grouped by).
    public var model: String { responseModel.isEmpty ? requestModel : responseModel }
    public var isTruncated: Bool { finishReasons.contains("length") }
}

public struct ToolCall: Sendable, Equatable {
    public var name: String
    public var callID: String
    public var arguments: String
    public var result: String
    public init(name: String, callID: String = "", arguments: String = "", result: String = "") {
        self.name = name
        self.callID = callID
        self.arguments = arguments
        self.result = result
    }
}

public struct AgentRun: Sendable, Equatable {
    public var name: String
    public var task: String
    public init(name: String, task: String = "") {
        self.name = name
        self.task = task
    }
}

/// What a span is, after normalization.
public indirect enum SpanRole: Sendable, Equatable {
    case llm(LLMCall)
    case tool(ToolCall)
    case agent(AgentRun)
    /// Workflow/chain steps that group other work (OpenInference CHAIN, traceloop workflow/task).
    case workflow(String)
    case plain

    public var llm: LLMCall? { if case .llm(let c) = self { return c } else { return nil } }
    /// Whether it is an LLM call, asked without copying the call out of its box.
    public var isLLMCall: Bool { if case .llm = self { true } else { false } }
    public var tool: ToolCall? { if case .tool(let t) = self { return t } else { return nil } }
    public var agent: AgentRun? { if case .agent(let a) = self { return a } else { return nil } }
}
