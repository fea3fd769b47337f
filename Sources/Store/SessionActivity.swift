import DequeModule
import Semantics
import Telemetry

/// One thing that happened in a session, for its timeline: a prompt, an LLM call or a tool call.
public struct SessionEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case prompt(text: String?, length: Int?)
        case call(CallSummary)
        case tool(ToolUse)
    }

    public struct CallSummary: Sendable, Equatable {
        public var model: String
        public var usage: TokenUsage
        public var costUSD: Double?
        public var reportedCostUSD: Double?
        public var finishReasons: [String]
        public var error: String?
        /// `span` or `log_event`: what reported it first.
        public var source: CallRecord.Source
    }

    public struct ToolUse: Sendable, Equatable {
        public var name: String
        public var decision: AgentToolEvent.Decision?
        public var decidedBy: String
        public var success: Bool?
        public var arguments: String
        public var output: String
        public var error: String
        public var mcpServer: String

        public var isRejected: Bool { decision == .rejected }
        public var isFailed: Bool { success == false }
    }

    public var kind: Kind
    /// When it started (calls and tools) or happened (prompts), as the telemetry says.
    public var atNanos: UInt64
    public var durationSeconds: Double?
    public var promptID: String
    /// A tool call's id, or a call's request id.
    public var callID: String
    /// The attributes of the event(s) that reported it, for the drill-down.
    public var attributes: [Attribute]
    /// The span that reports it, if one does.
    public var span: SpanKey?
}

/// A session of work: a coding agent's session (Claude Code `session.id`, Codex `conversation.id`,
/// Gemini's `session.id`) or any app's conversation, as its calls, prompts and tool calls tell it.
public struct SessionActivity: Sendable, Equatable {
    public let id: String
    public internal(set) var agent: CodingAgent?
    public internal(set) var service: String
    /// Models called, in the order first seen.
    public internal(set) var models: [String] = []
    public internal(set) var prompts = 0
    public internal(set) var calls = 0
    public internal(set) var errors = 0
    public internal(set) var usage = TokenUsage.zero
    public internal(set) var costUSD = 0.0
    public internal(set) var unpricedCalls = 0
    /// What the telemetry itself said the calls cost (a coding agent's own figure).
    public internal(set) var reportedCostUSD: Double?
    public internal(set) var toolCalls = 0
    public internal(set) var rejectedTools = 0
    public internal(set) var failedTools = 0
    /// When tokentop last heard of the session: it runs while it keeps being heard of.
    public internal(set) var firstArrivalNanos: UInt64
    public internal(set) var lastArrivalNanos: UInt64
    /// The latest call's input tokens (cache included) and model, and that model's context window:
    /// how full the context was at the last call.
    public internal(set) var lastInputTokens: Int64 = 0
    public internal(set) var lastModel = ""
    public internal(set) var contextWindow: Int?
    /// Start of the call whose input `lastInputTokens` is.
    var lastCallStartNanos: UInt64 = 0
    /// The latest `SessionBook.timelineLength` events (up to a quarter more), oldest first.
    public internal(set) var timeline: [SessionEvent] = []
    /// Events that fell off the front of the timeline.
    public internal(set) var droppedEvents = 0
    /// Tool call ids in the timeline, each with its count of tool events: a tool call's first event
    /// (the common case) is known to be new without looking through the timeline.
    var toolCallIDs: [String: Int] = [:]

    init(id: String, agent: CodingAgent?, service: String, nowNanos: UInt64) {
        self.id = id
        self.agent = agent
        self.service = service
        firstArrivalNanos = nowNanos
        lastArrivalNanos = nowNanos
    }

    /// The last call's input against its model's context window, 0…1 (more when over).
    public var contextFill: Double? {
        guard let window = contextWindow, window > 0, lastInputTokens > 0 else { return nil }
        return Double(lastInputTokens) / Double(window)
    }

    /// Heard of within `idleAfterNanos`.
    public func isRunning(nowNanos: UInt64, idleAfterNanos: UInt64 = SessionBook.idleAfterNanos) -> Bool {
        nowNanos < lastArrivalNanos || nowNanos - lastArrivalNanos < idleAfterNanos
    }

    /// Computed cost, or nil when no call had a price.
    public var pricedCostUSD: Double? { calls - unpricedCalls > 0 || costUSD != 0 ? costUSD : nil }
}

/// Every session's activity, kept as calls, prompts and tool calls arrive. Bounded: past
/// `maxSessions` the session heard of longest ago goes, and each keeps its latest events.
public struct SessionBook: Sendable {
    public static let maxSessions = 2_000
    public static let timelineLength = 1_000
    /// Timeline events of all sessions at most: past it, the sessions first heard of go first.
    public static let maxEvents = 50_000
    /// A session no longer heard of for this long shows as idle.
    public static let idleAfterNanos: UInt64 = 120_000_000_000

    public private(set) var sessions: [String: SessionActivity] = [:]
    /// Session ids in the order first heard of, for letting the oldest go.
    private var arrivalOrder = Deque<String>()
    private var events = 0

    public init() {}

    /// Sessions, the most recently heard of first.
    public var byRecency: [SessionActivity] {
        sessions.values.sorted { ($0.lastArrivalNanos, $0.id) > ($1.lastArrivalNanos, $1.id) }
    }

    private mutating func touch(_ id: String, agent: CodingAgent?, service: String, nowNanos: UInt64,
                                _ change: (inout SessionActivity) -> Void) {
        if sessions[id] == nil {
            sessions[id] = SessionActivity(id: id, agent: agent, service: service, nowNanos: nowNanos)
            arrivalOrder.append(id)
        }
        let before = sessions[id]!.timeline.count
        sessions[id]!.lastArrivalNanos = max(sessions[id]!.lastArrivalNanos, nowNanos)
        if sessions[id]!.agent == nil { sessions[id]!.agent = agent }
        change(&sessions[id]!)
        events += sessions[id]!.timeline.count - before
        while sessions.count > Self.maxSessions || events > Self.maxEvents, let oldest = arrivalOrder.popFirst() {
            if oldest == id {
                // The session just heard of stays: it goes to the back.
                arrivalOrder.append(oldest)
                continue
            }
            events -= sessions.removeValue(forKey: oldest)?.timeline.count ?? 0
        }
    }

    mutating func record(_ record: CallRecord, session: String, attributes: [Attribute], contextWindow: Int?,
                         nowNanos: UInt64) {
        guard !session.isEmpty else { return }
        touch(session, agent: record.agent, service: record.service, nowNanos: nowNanos) { s in
            s.add(record, sign: 1)
            let model = ModelLedger.name(of: record.call)
            if !s.models.contains(model) { s.models.append(model) }
            if record.call.usage.input > 0, record.startNanos >= s.lastCallStartNanos {
                s.lastInputTokens = record.call.usage.input
                s.lastModel = model
                s.contextWindow = contextWindow
                s.lastCallStartNanos = record.startNanos
            }
            s.append(SessionEvent(kind: .call(.init(record)), atNanos: record.startNanos,
                                  durationSeconds: record.durationSeconds, promptID: record.promptID,
                                  callID: record.call.responseID, attributes: attributes, span: record.span))
        }
    }

    /// A counted call said more in a later report.
    mutating func amend(_ old: CallRecord, to new: CallRecord, session: String, attributes: [Attribute]) {
        guard !session.isEmpty, sessions[session] != nil else { return }
        sessions[session]!.add(old, sign: -1)
        sessions[session]!.add(new, sign: 1)
        sessions[session]!.updateCall(matching: old, to: new, attributes: attributes)
    }

    mutating func record(_ prompt: AgentPromptEvent, service: String, attributes: [Attribute], nowNanos: UInt64) {
        guard !prompt.sessionID.isEmpty else { return }
        touch(prompt.sessionID, agent: prompt.agent, service: service, nowNanos: nowNanos) { s in
            s.prompts += 1
            s.append(SessionEvent(kind: .prompt(text: prompt.text, length: prompt.length), atNanos: prompt.atNanos,
                                  promptID: prompt.promptID, callID: "", attributes: attributes))
        }
    }

    /// A tool call's decision or result: both of one call id make one tool call.
    mutating func record(_ tool: AgentToolEvent, service: String, attributes: [Attribute], nowNanos: UInt64) {
        guard !tool.sessionID.isEmpty else { return }
        touch(tool.sessionID, agent: tool.agent, service: service, nowNanos: nowNanos) { s in
            s.addTool(tool, attributes: attributes)
        }
    }
}

extension SessionEvent.CallSummary {
    init(_ record: CallRecord) {
        self.init(model: ModelLedger.name(of: record.call), usage: record.call.usage, costUSD: record.cost?.usd,
                  reportedCostUSD: record.call.reportedCostUSD, finishReasons: record.call.finishReasons,
                  error: record.isError ? (record.errorMessage ?? "error") : nil, source: record.source)
    }
}

extension SessionActivity {
    fileprivate mutating func add(_ record: CallRecord, sign: Int) {
        let call = record.call
        calls += sign
        if record.isError { errors += sign }
        usage += call.usage.signed(sign)
        if let cost = record.cost {
            costUSD += cost.usd * Double(sign)
        } else if call.hasUsage && !call.usage.isZero {
            unpricedCalls += sign
        }
        if let reported = call.reportedCostUSD { reportedCostUSD = (reportedCostUSD ?? 0) + reported * Double(sign) }
    }

    fileprivate mutating func append(_ event: SessionEvent) {
        // Telemetry arrives out of order: keep the timeline in time order (most arrive last).
        var index = timeline.endIndex
        while index > timeline.startIndex, timeline[index - 1].atNanos > event.atNanos { index -= 1 }
        timeline.insert(event, at: index)
        if case .tool = event.kind, !event.callID.isEmpty { toolCallIDs[event.callID, default: 0] += 1 }
        // Trimmed a quarter at a time, so that a full timeline does not move all its events on each new one.
        if timeline.count > SessionBook.timelineLength + SessionBook.timelineLength / 4 {
            let excess = timeline.count - SessionBook.timelineLength
            for event in timeline.prefix(excess) {
                guard case .tool = event.kind, !event.callID.isEmpty, let count = toolCallIDs[event.callID] else { continue }
                toolCallIDs[event.callID] = count > 1 ? count - 1 : nil
            }
            timeline.removeFirst(excess)
            droppedEvents += excess
        }
    }

    fileprivate mutating func updateCall(matching old: CallRecord, to new: CallRecord, attributes: [Attribute]) {
        guard let index = timeline.lastIndex(where: { event in
            guard case .call = event.kind else { return false }
            return (old.span != nil && event.span == old.span)
                || (event.span == nil && event.atNanos == old.startNanos && event.callID == old.call.responseID)
        }) else { return }
        timeline[index].kind = .call(.init(new))
        timeline[index].span = new.span ?? timeline[index].span
        if timeline[index].durationSeconds == nil { timeline[index].durationSeconds = new.durationSeconds }
        if timeline[index].attributes.isEmpty { timeline[index].attributes = attributes }
    }

    fileprivate mutating func addTool(_ tool: AgentToolEvent, attributes: [Attribute]) {
        let index = tool.callID.isEmpty || toolCallIDs[tool.callID] == nil ? nil : timeline.lastIndex { event in
            if case .tool = event.kind { return event.callID == tool.callID }
            return false
        }
        guard let index, case .tool(var use) = timeline[index].kind else {
            toolCalls += 1
            if tool.decision == .rejected { rejectedTools += 1 }
            if tool.success == false { failedTools += 1 }
            let start = tool.durationSeconds.map { tool.atNanos - min(tool.atNanos, UInt64($0 * 1e9)) } ?? tool.atNanos
            append(SessionEvent(kind: .tool(.init(tool)), atNanos: start, durationSeconds: tool.durationSeconds,
                                promptID: tool.promptID, callID: tool.callID, attributes: attributes))
            return
        }
        // The second event of the same tool call: its decision or its result.
        if use.decision == nil, let decision = tool.decision {
            use.decision = decision
            use.decidedBy = tool.decidedBy
            if decision == .rejected { rejectedTools += 1 }
        }
        if use.success == nil, let success = tool.success {
            use.success = success
            if !success { failedTools += 1 }
        }
        if use.arguments.isEmpty { use.arguments = tool.arguments }
        if use.output.isEmpty { use.output = tool.output }
        if use.error.isEmpty { use.error = tool.error }
        if use.mcpServer.isEmpty { use.mcpServer = tool.mcpServer }
        timeline[index].kind = .tool(use)
        if timeline[index].durationSeconds == nil { timeline[index].durationSeconds = tool.durationSeconds }
        timeline[index].attributes += attributes.filter { new in !timeline[index].attributes.contains { $0.key == new.key } }
    }
}

extension SessionEvent.ToolUse {
    init(_ tool: AgentToolEvent) {
        self.init(name: tool.name, decision: tool.decision, decidedBy: tool.decidedBy, success: tool.success,
                  arguments: tool.arguments, output: tool.output, error: tool.error, mcpServer: tool.mcpServer)
    }
}
