import Semantics

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
        self.init { call, startNanos in
            let provider = call.provider.isEmpty ? nil : call.provider
            let match = [call.responseModel, call.requestModel].lazy.filter { !$0.isEmpty }
                .compactMap { table.resolve(provider: provider, model: $0, atUnixNanos: startNanos) }.first
            return match.map { PricedCost(usd: $0.price.cost(of: call.usage).total, rule: $0.rule) }
        }
    }
}
