import Semantics
import Synchronization

/// What one LLM call cost and which price rule said so.
public struct PricedCost: Sendable, Equatable {
    public var usd: Double
    public var rule: String

    public init(usd: Double, rule: String) {
        self.usd = usd
        self.rule = rule
    }
}

/// Prices LLM calls as they are stored. A call it cannot price stays unpriced (never $0).
public struct CallPricing: Sendable {
    public var price: @Sendable (_ call: LLMCall, _ startNanos: UInt64) -> PricedCost?

    public init(price: @escaping @Sendable (_ call: LLMCall, _ startNanos: UInt64) -> PricedCost?) {
        self.price = price
    }

    /// Leaves every call unpriced.
    public static let none = CallPricing { _, _ in nil }
}

extension CallPricing {
    /// Prices calls from a price table: the response model (the dated snapshot) first, then the
    /// request model.
    public init(table: PriceTable) {
        let cache = PriceResolutionCache(table: table)
        self.init { call, startNanos in
            let provider = call.provider.isEmpty ? nil : call.provider
            func resolve(_ model: String) -> PriceMatch? {
                model.isEmpty ? nil : cache.resolve(provider: provider, model: model, atUnixNanos: startNanos)
            }
            let match = resolve(call.responseModel) ?? resolve(call.requestModel)
            return match.map { PricedCost(usd: $0.price.cost(of: call.usage).total, rule: $0.rule) }
        }
    }
}

/// Remembers how each provider + model name resolved, so a call costs a dictionary lookup instead of a
/// walk through the price table's spellings; the price in force is still taken at each call's start.
/// Model names come from the telemetry, so the memory is bounded: past `capacity` names it starts over.
final class PriceResolutionCache: Sendable {
    private struct Key: Hashable {
        var provider: String?
        var model: String
    }

    private let table: PriceTable
    private let capacity: Int
    private let entries = Mutex<[Key: PriceResolution?]>([:])

    init(table: PriceTable, capacity: Int = 4_096) {
        self.table = table
        self.capacity = capacity
    }

    /// Names remembered.
    var count: Int { entries.withLock { $0.count } }

    func resolve(provider: String?, model: String, atUnixNanos nanos: UInt64) -> PriceMatch? {
        let key = Key(provider: provider, model: model)
        let resolution: PriceResolution?
        if let known = entries.withLock({ $0[key] }) {
            resolution = known
        } else {
            resolution = table.resolve(provider: provider, model: model)
            entries.withLock { entries in
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
                entries[key] = .some(resolution)
            }
        }
        return resolution?.match(atUnixNanos: nanos)
    }
}
