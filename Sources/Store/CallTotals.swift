import Semantics

/// Every counted call added up since tokentop started, as `TraceStore.count` feeds it: what the
/// report's model table, finish reasons, quality rates and spend by service and session read. A call
/// reported again with more to say is taken out and put back (`sign`).
struct CallTotals: Sendable {
    struct ModelKey: Hashable, Sendable {
        var provider: String
        var model: String
    }

    private(set) var models: [ModelKey: ModelTotals] = [:]
    /// Model keys in the order first counted.
    private(set) var order: [ModelKey] = []
    private(set) var finishReasons: [String: Int] = [:]
    private(set) var calls = 0
    /// Calls with finish reasons, and of those the truncated ones; retried and failed calls.
    private(set) var responses = 0
    private(set) var truncated = 0
    private(set) var retried = 0
    private(set) var failed = 0
    struct ServiceModel: Hashable, Sendable {
        var service: String
        var model: String
    }

    /// Service and model of every call with usage: metrics fill in only the models no call reported.
    private(set) var covered: Set<ServiceModel> = []
    private(set) var services: [String: CostGroup] = [:]
    private(set) var sessions: [String: CostGroup] = [:]

    static func key(_ call: LLMCall) -> ModelKey { ModelKey(provider: call.provider, model: call.model) }

    mutating func add(_ record: CallRecord, session: String, sign: Int = 1) {
        let call = record.call
        let key = Self.key(call)
        if models[key] == nil {
            models[key] = ModelTotals(provider: call.provider, model: call.model.isEmpty ? "(none)" : call.model)
            order.append(key)
        }
        let s = Int64(sign)
        let usage = TokenUsage(input: call.usage.input * s, output: call.usage.output * s, cacheRead: call.usage.cacheRead * s,
                               cacheWrite: call.usage.cacheWrite * s, reasoning: call.usage.reasoning * s)
        let unpriced = record.cost == nil && call.hasUsage && !call.usage.isZero
        models[key]!.calls += sign
        if record.source == .logEvent && record.span == nil { models[key]!.eventCalls += sign }
        models[key]!.usage += usage
        if let cost = record.cost {
            models[key]!.costUSD = (models[key]!.costUSD ?? 0) + cost.usd * Double(sign)
            if models[key]!.priceRule == nil { models[key]!.priceRule = cost.rule }
        } else if unpriced {
            models[key]!.unpricedCalls += sign
        }
        if let reported = call.reportedCostUSD {
            models[key]!.reportedCostUSD = (models[key]!.reportedCostUSD ?? 0) + reported * Double(sign)
        }
        if call.hasUsage, sign > 0 {
            covered.insert(ServiceModel(service: record.service, model: call.requestModel))
            if !call.responseModel.isEmpty { covered.insert(ServiceModel(service: record.service, model: call.responseModel)) }
        }
        calls += sign
        for reason in call.finishReasons { finishReasons[reason, default: 0] += sign }
        if !call.finishReasons.isEmpty { responses += sign }
        if call.isTruncated { truncated += sign }
        if record.retried { retried += sign }
        if record.isError { failed += sign }
        services[record.service, default: CostGroup(name: record.service)].add(call, cost: record.cost, sign: sign)
        if !session.isEmpty { addToSession(call, cost: record.cost, session: session, sign: sign) }
    }

    /// Sessions come from the telemetry: past `maxSessions` named ones, the rest add up under one name.
    static let maxSessions = 10_000
    static let otherSessions = "(other sessions)"

    private mutating func addToSession(_ call: LLMCall, cost: PricedCost?, session: String, sign: Int) {
        let name = sessions[session] != nil || sessions.count < Self.maxSessions ? session : Self.otherSessions
        sessions[name, default: CostGroup(name: name)].add(call, cost: cost, sign: sign)
    }

    /// A counted call turned out to be a retry.
    mutating func countRetry() {
        retried += 1
    }

    /// Calls counted before their trace named its session join it.
    mutating func addToSession(_ record: CallRecord, session: String) {
        addToSession(record.call, cost: record.cost, session: session, sign: 1)
    }
}
