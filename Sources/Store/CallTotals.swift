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
    /// The pairs covered last, checked before `covered`: calls repeat a few services and models, and
    /// comparing strings that share storage is cheaper than hashing them.
    private var recentlyCovered: [ServiceModel] = []
    private var nextRecent = 0
    private static let recentPairs = 16
    private(set) var services: [String: CostGroup] = [:]
    private(set) var sessions: [String: CostGroup] = [:]

    static func key(_ call: LLMCall) -> ModelKey { ModelKey(provider: call.provider, model: call.model) }

    mutating func add(_ record: CallRecord, session: String, sign: Int = 1) {
        let call = record.call
        let key = Self.key(call)
        let known = models.count
        // One lookup: each of a dictionary's lookups hashes the provider and model again.
        Self.update(&models[key, default: ModelTotals(provider: call.provider, model: call.model.isEmpty ? "(none)" : call.model)],
                    with: record, sign: sign)
        if models.count != known { order.append(key) }
        if call.hasUsage, sign > 0 {
            cover(ServiceModel(service: record.service, model: call.requestModel))
            if !call.responseModel.isEmpty { cover(ServiceModel(service: record.service, model: call.responseModel)) }
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

    private mutating func cover(_ pair: ServiceModel) {
        if recentlyCovered.contains(pair) { return }
        covered.insert(pair)
        if recentlyCovered.count < Self.recentPairs {
            recentlyCovered.append(pair)
        } else {
            recentlyCovered[nextRecent] = pair
            nextRecent = (nextRecent + 1) % Self.recentPairs
        }
    }

    private static func update(_ totals: inout ModelTotals, with record: CallRecord, sign: Int) {
        let call = record.call
        totals.calls += sign
        if record.source == .logEvent && record.span == nil { totals.eventCalls += sign }
        totals.usage += call.usage.signed(sign)
        if let cost = record.cost {
            totals.costUSD = (totals.costUSD ?? 0) + cost.usd * Double(sign)
            if totals.priceRule == nil { totals.priceRule = cost.rule }
        } else if call.hasUsage && !call.usage.isZero {
            totals.unpricedCalls += sign
        }
        if let reported = call.reportedCostUSD {
            totals.reportedCostUSD = (totals.reportedCostUSD ?? 0) + reported * Double(sign)
        }
    }

    /// Sessions come from the telemetry: past `maxSessions` named ones, the rest add up under one name.
    static let maxSessions = 10_000
    static let otherSessions = "(other sessions)"

    private mutating func addToSession(_ call: LLMCall, cost: PricedCost?, session: String, sign: Int) {
        let name = sessions.count < Self.maxSessions || sessions[session] != nil ? session : Self.otherSessions
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
