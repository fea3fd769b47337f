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
    /// The context window of a provider's model in tokens, when known.
    public var contextWindow: @Sendable (_ provider: String, _ model: String) -> Int?

    public init(price: @escaping @Sendable (_ call: LLMCall, _ startNanos: UInt64) -> PricedCost?,
                contextWindow: @escaping @Sendable (_ provider: String, _ model: String) -> Int? = { _, _ in nil }) {
        self.price = price
        self.contextWindow = contextWindow
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
        } contextWindow: { provider, model in
            cache.contextWindow(provider: provider.isEmpty ? nil : provider, model: model)
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
    private let windows = Mutex<[Key: Int?]>([:])

    func contextWindow(provider: String?, model: String) -> Int? {
        let key = Key(provider: provider, model: model)
        if let known = windows.withLock({ $0[key] }) { return known }
        let window = table.contextWindow(provider: provider, model: model)
        windows.withLock { windows in
            if windows.count >= capacity { windows.removeAll(keepingCapacity: true) }
            windows[key] = .some(window)
        }
        return window
    }

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
