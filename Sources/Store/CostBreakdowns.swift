import Semantics

/// Spend grouped three ways for the report: by service, by session (`gen_ai.conversation.id`,
/// `session.id`, OpenLLMetry association properties) and by agent (the innermost agent span above a
/// call). Each call is counted once (duplicates skipped); unpriced calls are counted, never costed.
public struct CostGroup: Sendable, Equatable {
    public var name: String
    /// Traces for services and sessions; agent runs for agents.
    public var count = 0
    public var llmCalls = 0
    public var usage = TokenUsage.zero
    public var costUSD = 0.0
    public var unpricedCalls = 0

    public init(name: String) {
        self.name = name
    }

    mutating func add(_ call: LLMCall, cost: PricedCost?, sign: Int = 1) {
        llmCalls += sign
        usage += call.usage.signed(sign)
        if let cost { costUSD += cost.usd * Double(sign) } else if call.hasUsage && !call.usage.isZero { unpricedCalls += sign }
    }
}

struct CostBreakdowns {
    /// Stored traces with a call of each service and of each session; their spend is `CallTotals`'.
    var serviceTraces: [String: Int] = [:]
    var sessionTraces: [String: Int] = [:]
    /// Agents need the trace tree: their runs and the spend beneath them come from the stored traces.
    var agents: [String: CostGroup] = [:]

    mutating func add(_ entry: TraceEntry) {
        var servicesSeen = Set<String>(), sessionsSeen = Set<String>()
        let traceSession = entry.sessionID.nilIfEmpty
        for span in entry.spans {
            if let agent = span.role.agent { agents[agent.name, default: CostGroup(name: agent.name)].count += 1 }
            guard case .llm(let call) = span.role, span.duplicateOf == nil else { continue }
            let service = span.packed.origin.serviceName
            if servicesSeen.insert(service).inserted { serviceTraces[service, default: 0] += 1 }
            if let session = call.sessionID.nilIfEmpty ?? traceSession, sessionsSeen.insert(session).inserted {
                sessionTraces[session, default: 0] += 1
            }
            if let agent = Self.innermostAgent(above: span, in: entry) {
                agents[agent, default: CostGroup(name: agent)].add(call, cost: span.cost)
            }
        }
    }

    /// The spend of every counted call (`CallTotals`) with the number of stored traces of each group:
    /// groups whose calls all left the store still show what they spent.
    static func spend(_ spend: [String: CostGroup], traces: [String: Int]) -> [String: CostGroup] {
        var groups = spend.filter { $0.value.llmCalls > 0 }
        for (name, count) in traces where groups[name] != nil { groups[name]!.count = count }
        return groups
    }

    /// The name of the closest agent span among the call's ancestors.
    static func innermostAgent(above span: StoredSpan, in entry: TraceEntry) -> String? {
        var parent = span.packed.parentSpanID
        var hops = 0
        while !parent.isZero, hops < 256, let ancestor = entry.span(parent) {
            if let agent = ancestor.role.agent { return agent.name }
            parent = ancestor.packed.parentSpanID
            hops += 1
        }
        return nil
    }

    static func sorted(_ groups: [String: CostGroup]) -> [CostGroup] {
        groups.values.sorted { ($0.costUSD, $0.llmCalls, $1.name) > ($1.costUSD, $1.llmCalls, $0.name) }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
